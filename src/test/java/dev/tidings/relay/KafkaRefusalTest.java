package dev.tidings.relay;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures quarantine a record and which roll its batch back to be tried again. */
class KafkaRefusalTest {

    @Test
    void failuresAboutTheRecordItselfAreRefusalsForGood() {
        assertThat(KafkaRefusal.of(new InvalidTopicException("bad"))).hasValue("InvalidTopicException: bad");
        assertThat(KafkaRefusal.of(new RecordTooLargeException("big"))).isPresent();
        assertThat(KafkaRefusal.of(new RecordBatchTooLargeException("big"))).isPresent();
        assertThat(KafkaRefusal.of(new SerializationException("cannot"))).isPresent();
        assertThat(KafkaRefusal.of(new InvalidRecordException("no key"))).isPresent();
        assertThat(KafkaRefusal.of(new CompletionException(new RecordTooLargeException("wrapped")))).isPresent();
    }

    @Test
    void failuresThatMayPassOrAreNotTheRecordsAreNot() {
        assertThat(KafkaRefusal.of(new TimeoutException("no answer"))).isEmpty();
        assertThat(KafkaRefusal.of(new java.util.concurrent.TimeoutException())).isEmpty();
        assertThat(KafkaRefusal.of(new TopicAuthorizationException(Set.of("events.order")))).isEmpty();
        assertThat(KafkaRefusal.of(new UnknownServerException("broker bug"))).isEmpty();
        assertThat(KafkaRefusal.of(new KafkaException("Producer closed while send in progress"))).isEmpty();
        assertThat(KafkaRefusal.of(new IllegalStateException("channel cancelled"))).isEmpty();
    }

    @Test
    void topicNamesKafkaCannotAcceptAreRefusedBeforeSending() {
        assertThat(KafkaRefusal.ofTopic("events.order")).isEmpty();
        assertThat(KafkaRefusal.ofTopic("events." + "a".repeat(242))).isEmpty();
        assertThat(KafkaRefusal.ofTopic("events." + "a".repeat(243))).isPresent();
        assertThat(KafkaRefusal.ofTopic("events.ordér")).isPresent();
        assertThat(KafkaRefusal.ofTopic("..")).isPresent();
        assertThat(KafkaRefusal.ofTopic("")).isPresent();
    }

    @Test
    void aReasonIsShortEnoughToStore() {
        assertThat(KafkaRefusal.ofTopic("events." + "a".repeat(5000)).orElseThrow()).hasSizeLessThanOrEqualTo(KafkaRefusal.REASON_LENGTH);
    }
}
