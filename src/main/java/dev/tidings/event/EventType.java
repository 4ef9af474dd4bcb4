package dev.tidings.event;

import java.util.regex.Pattern;

/** Rules for event type names: {@code resource.action}, lower case. */
public final class EventType {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");

    private EventType() {
    }

    public static boolean isValid(String eventType) {
        return eventType != null && NAME.matcher(eventType).matches();
    }

    /** The resource part: {@code order.created} belongs to {@code order}. */
    public static String resource(String eventType) {
        int dot = eventType.indexOf('.');
        return dot < 0 ? eventType : eventType.substring(0, dot);
    }
}
