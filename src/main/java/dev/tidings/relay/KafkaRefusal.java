package dev.tidings.relay;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Tells a record Kafka refuses for good (it is quarantined) from a failure worth trying again (the
 * batch rolls back). Only a refusal of the record itself counts: a fault of the producer, the broker or
 * the credentials would refuse every record alike, and quarantining them all would empty the stream.
 */
final class KafkaRefusal {

    /** Kafka's topic names: these characters, at most 249 of them, and neither "." nor "..". */
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    /** Not retriable, yet not about one record: the client or broker as a whole is at fault. */
    private static final List<Class<? extends KafkaException>> NOT_THE_RECORD = List.of(
            AuthenticationException.class, AuthorizationException.class, ProducerFencedException.class,
            InvalidProducerEpochException.class, OutOfOrderSequenceException.class, UnsupportedVersionException.class,
            UnknownServerException.class);
    /** Reasons are stored and logged; an exception message can be long. */
    static final int REASON_LENGTH = 1000;

    private KafkaRefusal() {
    }

    /** Why Kafka would refuse this topic name, or empty when it is valid. */
    static Optional<String> ofTopic(String topic) {
        if (TOPIC.matcher(topic).matches() && !topic.equals(".") && !topic.equals("..")) {
            return Optional.empty();
        }
        return Optional.of(shorten("invalid topic name (Kafka accepts at most 249 of a-z A-Z 0-9 . _ -): " + topic));
    }

    /** Why Kafka refused the record for good, or empty when the failure may pass (or is not the record's). */
    static Optional<String> of(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof RetriableException) {
                return Optional.empty(); // a timeout too: Kafka's TimeoutException is retriable
            }
            if (cause instanceof SerializationException || cause instanceof ApiException) {
                Throwable refusal = cause;
                boolean notTheRecord = NOT_THE_RECORD.stream().anyMatch(type -> type.isInstance(refusal));
                return notTheRecord ? Optional.empty()
                        : Optional.of(shorten(cause.getClass().getSimpleName() + ": " + cause.getMessage()));
            }
        }
        return Optional.empty();
    }

    private static String shorten(String reason) {
        return reason.length() <= REASON_LENGTH ? reason : reason.substring(0, REASON_LENGTH - 1) + "…";
    }
}
