package dev.tidings.schema;

/** One version of one event type: the key of the schema and deprecation caches. */
record TypeVersion(String eventType, int version) {
}
