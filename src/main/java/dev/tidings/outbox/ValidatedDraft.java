package dev.tidings.outbox;

/**
 * A draft whose data passed the schema of its type and version. Only {@link Outbox#validate(EventDraft)}
 * makes one, so a custom event cannot reach the outbox unvalidated.
 */
public final class ValidatedDraft {

    private final EventDraft draft;

    ValidatedDraft(EventDraft draft) {
        this.draft = draft;
    }

    public EventDraft draft() {
        return draft;
    }
}
