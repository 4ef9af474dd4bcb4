package dev.tidings.tracing;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The attributes of the service's own spans (docs/deployment.md lists them): OpenTelemetry's semantic
 * conventions where one fits, {@code tidings.*} for the rest.
 */
public final class TraceAttributes {

    public static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    public static final AttributeKey<String> MESSAGING_DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    public static final AttributeKey<String> MESSAGING_OPERATION = AttributeKey.stringKey("messaging.operation.type");
    public static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    public static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    public static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    public static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");

    public static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("tidings.event.id");
    public static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("tidings.event.type");
    public static final AttributeKey<String> SUBSCRIPTION_ID = AttributeKey.stringKey("tidings.subscription.id");
    public static final AttributeKey<String> DELIVERY_ID = AttributeKey.stringKey("tidings.delivery.id");
    public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("tidings.attempt");
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("tidings.outcome");

    private TraceAttributes() {
    }
}
