package dev.tidings.relay;

import dev.tidings.relay.KafkaPublisher.Publication;
import dev.tidings.relay.KafkaPublisher.PublishTimeout;
import dev.tidings.relay.KafkaPublisher.Refused;
import dev.tidings.tracing.TraceContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.smallrye.mutiny.Uni;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * How the publisher reads Kafka's answers for one batch and traces its records, with Kafka's own test producer
 * answering each record as told.
 */
class KafkaPublisherTest {

    private static final Duration PUBLISH_TIMEOUT = Duration.ofMillis(300);
    private final MockProducer<String, String> producer = new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final Tracer tracer = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build().get("test");
    private final SendingThreadOf sendingThread = new SendingThreadOf(producer);
    private final KafkaPublisher publisher = new KafkaPublisher(sendingThread, ReadyTopics.all(), "events.", PUBLISH_TIMEOUT, tracer);

    @Test
    void aBatchGivesUpWithinThePublishTimeoutWhenKafkaNeverAnswers() {
        Instant start = Instant.now();
        assertThatThrownBy(() -> publisher.publish(List.of(event("order.created"), event("order.paid"))).answers()
                .await().atMost(Duration.ofSeconds(5)))
                .isInstanceOf(PublishTimeout.class);
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(3));
        assertThat(producer.history()).hasSize(2);
    }

    @Test
    void aRecordKafkaRefusesForGoodIsNamedWhileTheOthersAreAcknowledged() throws Exception {
        PendingEvent tooLarge = event("order.created");

        List<Refused> refused = publishAnswering(List.of(event("order.created"), tooLarge, event("order.shipped")),
                record -> record.value().equals(tooLarge.envelope()) ? new RecordTooLargeException("The message is 2000000 bytes") : null);

        assertThat(refused).extracting(Refused::event).containsExactly(tooLarge);
        assertThat(refused.get(0).reason()).startsWith("RecordTooLargeException");
        assertThat(producer.history()).hasSize(3);
    }

    @Test
    void aBatchWaitsForEveryAnswer() {
        CompletableFuture<List<Refused>> result = publisher.publish(List.of(event("order.created"), event("order.paid"))).answers()
                .subscribeAsCompletionStage();
        producer.completeNext();
        assertThat(result).isNotDone();
        producer.completeNext();
        assertThat(result).succeedsWithin(Duration.ofSeconds(5)).asList().isEmpty();
    }

    @Test
    void aFailureThatMayPassFailsTheWholeBatch() {
        assertThatThrownBy(() -> publishAnswering(List.of(event("order.created")), record -> new NotLeaderOrFollowerException("moving")))
                .isInstanceOf(NotLeaderOrFollowerException.class);
    }

    @Test
    void noRecordOfTheRoundIsSentOnceABatchBeforeItFailed() {
        PendingEvent created = event("order.created");
        PendingEvent paid = later(created, "order.paid");
        PendingEvent shipped = later(paid, "order.shipped");
        Publication first = publisher.publish(List.of(created));
        first.answers().subscribeAsCompletionStage();
        Publication second = publisher.publish(List.of(paid), first);
        second.answers().subscribeAsCompletionStage();
        assertThat(producer.history()).hasSize(2);

        producer.errorNext(new NotLeaderOrFollowerException("moving")); // the first batch fails, the second is still with the producer
        CompletableFuture<List<Refused>> third = publisher.publish(List.of(shipped), second).answers().subscribeAsCompletionStage();

        assertThat(producer.history()).as("sent now, it could reach Kafka before the first batch's next copy").hasSize(2);
        assertThat(third).failsWithin(Duration.ofSeconds(5));
    }

    @Test
    void aBatchThatFailedHasWhatTheProducerStillHoldsDropped() throws Exception {
        assertThat(publishAnswering(List.of(event("order.created")), record -> null)).isEmpty();
        assertThat(sendingThread.discarded).as("an answered batch leaves the producer alone").isEmpty();

        CompletableFuture<List<Refused>> failed = publisher.publish(List.of(event("order.created"), event("order.paid")))
                .answers().subscribeAsCompletionStage();
        producer.errorNext(new NotLeaderOrFollowerException("moving"));

        assertThat(failed).failsWithin(Duration.ofSeconds(5));
        assertThat(sendingThread.discarded).as("the second record is not retried behind the relay's back").containsExactly(producer);
    }

    @Test
    void aBatchGivenUpHasWhatTheProducerStillHoldsDropped() {
        CompletableFuture<List<Refused>> unanswered = publisher.publish(List.of(event("order.created"))).answers().subscribeAsCompletionStage();

        assertThat(unanswered).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(PublishTimeout.class);
        assertThat(sendingThread.discarded).containsExactly(producer);
    }

    @Test
    void aSendTheProducerCannotTakeFailsTheWholeBatch() {
        producer.close();
        assertThatThrownBy(() -> publisher.publish(List.of(event("order.created"))).answers().await().atMost(Duration.ofSeconds(5)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anEventWhoseTopicKafkaCannotAcceptIsRefusedWithoutBeingSent() throws Exception {
        PendingEvent invalid = event("x".repeat(243) + ".happened");

        List<Refused> refused = publishAnswering(List.of(event("order.created"), invalid), record -> null);

        assertThat(refused).extracting(Refused::event).containsExactly(invalid);
        assertThat(refused.get(0).reason()).contains("invalid topic name");
        assertThat(producer.history()).extracting(ProducerRecord::topic).containsExactly("events.order");
    }

    @Test
    void aRecordCarriesTheContextOfItsPublishSpanInTheEventsTrace() throws Exception {
        String requestTraceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        PendingEvent traced = withTrace(event("order.created"), new TraceContext(requestTraceparent, "vendor=1"));

        publishAnswering(List.of(traced), record -> null);

        SpanData span = spans.getFinishedSpanItems().get(0);
        assertThat(span.getName()).isEqualTo("publish events.order");
        assertThat(span.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(span.getParentSpanId()).isEqualTo("b7ad6b7169203331");
        ProducerRecord<String, String> sent = producer.history().get(0);
        assertThat(header(sent, "ce_traceparent")).isEqualTo("00-" + span.getTraceId() + "-" + span.getSpanId() + "-01");
        assertThat(header(sent, "ce_tracestate")).isEqualTo("vendor=1");
    }

    @Test
    void aRecordCarriesTheEnvelopeKeyedBySubjectWithCloudEventsHeaders() throws Exception {
        PendingEvent event = event("order.created");

        publishAnswering(List.of(event), record -> null);

        ProducerRecord<String, String> sent = producer.history().get(0);
        assertThat(sent.key()).isEqualTo(event.subject());
        assertThat(sent.value()).isEqualTo(event.envelope());
        assertThat(header(sent, "ce_specversion")).isEqualTo("1.0");
        assertThat(header(sent, "ce_id")).isEqualTo(event.eventId());
        assertThat(header(sent, "ce_type")).isEqualTo("order.created");
        assertThat(header(sent, "ce_source")).isEqualTo("tidings");
        assertThat(header(sent, "ce_time")).isEqualTo(event.timestamp());
        assertThat(header(sent, "ce_subject")).isEqualTo(event.subject());
        assertThat(header(sent, "content-type")).isEqualTo("application/json");
    }

    @Test
    void anEventWrittenOutsideATraceIsPublishedInANewOne() throws Exception {
        publishAnswering(List.of(event("order.created")), record -> null);

        SpanData span = spans.getFinishedSpanItems().get(0);
        assertThat(span.getParentSpanContext().isValid()).isFalse();
        ProducerRecord<String, String> sent = producer.history().get(0);
        assertThat(header(sent, "ce_traceparent")).isEqualTo("00-" + span.getTraceId() + "-" + span.getSpanId() + "-01");
        assertThat(sent.headers().lastHeader("ce_tracestate")).isNull();
    }

    @Test
    void aPublishSpanThatKafkaRefusedEndsAsAnError() throws Exception {
        publishAnswering(List.of(event("order.created")), record -> new RecordTooLargeException("too large"));

        assertThat(spans.getFinishedSpanItems()).singleElement()
                .satisfies(span -> assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
    }

    @Test
    void recordsToATopicMissingAtTheLastLookGoOneAtATimeAndOthersTogether() throws Exception {
        List<PendingEvent> events = List.of(event("order.created"), event("order.paid"), event("order.shipped"));

        FlushRecordingProducer toNewTopic = new FlushRecordingProducer();
        CompletableFuture<List<Refused>> toNew = publisherWith(toNewTopic, topicsAllMissing()).publish(events).answers().subscribeAsCompletionStage();
        assertThat(toNewTopic.history()).hasSize(3);
        assertThat(toNewTopic.sentBeforeEachFlush).as("each record waited for before the next is sent").containsExactly(1, 2);
        toNewTopic.completeNext();
        assertThat(toNew).succeedsWithin(Duration.ofSeconds(5)).asList().isEmpty();

        FlushRecordingProducer toKnownTopic = new FlushRecordingProducer();
        CompletableFuture<List<Refused>> result = publisherWith(toKnownTopic, ReadyTopics.all()).publish(events).answers().subscribeAsCompletionStage();
        assertThat(toKnownTopic.history()).hasSize(3);
        assertThat(toKnownTopic.sentBeforeEachFlush).isEmpty();
        toKnownTopic.flush();
        assertThat(result).succeedsWithin(Duration.ofSeconds(5)).asList().isEmpty();
    }

    @Test
    void aRecordWaitingForTheOneBeforeItIsNotSentWhenThatOneFailedMeanwhile() {
        List<PendingEvent> events = List.of(event("order.created"), event("order.paid"));
        MockProducer<String, String> expiringOnFlush = new MockProducer<>(false, null, new StringSerializer(), new StringSerializer()) {
            @Override
            public synchronized void flush() { // the producer gave the record up while the publisher waited for it
                errorNext(new TimeoutException("Expiring 1 record(s): 120000 ms has passed since batch creation"));
            }
        };

        CompletableFuture<List<Refused>> result = publisherWith(expiringOnFlush, topicsAllMissing()).publish(events).answers()
                .subscribeAsCompletionStage();

        assertThat(expiringOnFlush.history()).as("sent after the failed one, it could reach Kafka before that one is sent again")
                .hasSize(1);
        assertThat(result).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(TimeoutException.class);
        assertThat(spans.getFinishedSpanItems()).hasSize(2)
                .allSatisfy(span -> assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
    }

    /** Kafka's test producer, noting how many records had been sent at each flush (which answers every one sent). */
    private static final class FlushRecordingProducer extends MockProducer<String, String> {
        final List<Integer> sentBeforeEachFlush = new ArrayList<>();

        FlushRecordingProducer() {
            super(false, null, new StringSerializer(), new StringSerializer());
        }

        @Override
        public synchronized void flush() {
            sentBeforeEachFlush.add(history().size());
            super.flush();
        }
    }

    private KafkaPublisher publisherWith(MockProducer<String, String> producer, RelayTopics topics) {
        return new KafkaPublisher(new SendingThreadOf(producer), topics, "events.", PUBLISH_TIMEOUT, tracer);
    }

    /** Runs the work at once with Kafka's test producer, and notes the producers the publisher drops. */
    private static final class SendingThreadOf implements KafkaPublisher.SendingThread {
        private final MockProducer<String, String> producer;
        final List<Producer<String, String>> discarded = new CopyOnWriteArrayList<>();

        SendingThreadOf(MockProducer<String, String> producer) {
            this.producer = producer;
        }

        @Override
        public Uni<Void> run(Consumer<Producer<String, String>> work) {
            return Uni.createFrom().item(() -> {
                work.accept(producer);
                return null;
            });
        }

        @Override
        public void discard(Producer<String, String> producer) {
            discarded.add(producer);
        }
    }

    /** Every topic is missing when looked up (and is never created). */
    private static RelayTopics topicsAllMissing() {
        return new RelayTopics(new RelayTopics.Kafka() {
            @Override
            public Map<String, Uni<Integer>> maxMessageBytes(Collection<String> topics) {
                Map<String, Uni<Integer>> answers = new HashMap<>();
                topics.forEach(topic -> answers.put(topic, Uni.createFrom().failure(new UnknownTopicOrPartitionException(topic))));
                return answers;
            }

            @Override
            public Uni<Void> create(String topic) {
                return Uni.createFrom().voidItem();
            }
        }, 262_144);
    }

    @Test
    void aBatchReachesTheProducerAfterTheOneBeforeItEvenWhenItsTopicsAreKnownSooner() {
        CompletableFuture<Integer> invoiceTopic = new CompletableFuture<>();
        KafkaPublisher publisher = publisherWith(producer, topicsAnswering(topic -> topic.equals("events.invoice")
                ? Uni.createFrom().completionStage(invoiceTopic) : Uni.createFrom().item(1_048_588)));
        PendingEvent created = event("order.created");
        PendingEvent paid = later(created, "order.payment_received");

        Publication first = publisher.publish(List.of(created, event("invoice.created")));
        first.answers().subscribe().with(ignored -> { }, ignored -> { });
        publisher.publish(List.of(paid), first).answers().subscribe().with(ignored -> { }, ignored -> { });
        assertThat(producer.history()).as("the later batch waits while the earlier one's topic is looked up").isEmpty();

        invoiceTopic.complete(1_048_588);
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 3);
        assertThat(producer.history()).extracting(record -> header(record, "ce_type"))
                .containsExactly("order.created", "invoice.created", "order.payment_received");
    }

    @Test
    void aRecordTheProducerCannotTakeStopsItsBatchAndTheBatchesAfterIt() {
        PendingEvent created = event("order.created");
        PendingEvent noRoom = event("order.created");
        PendingEvent paid = later(created, "order.payment_received");
        NoRoomProducer producer = new NoRoomProducer(noRoom.envelope());
        KafkaPublisher publisher = publisherWith(producer, ReadyTopics.all());

        Publication first = publisher.publish(List.of(created, noRoom, event("order.created")));
        CompletableFuture<List<Refused>> firstAnswers = first.answers().subscribeAsCompletionStage();
        CompletableFuture<List<Refused>> secondAnswers = publisher.publish(List.of(paid), first).answers().subscribeAsCompletionStage();

        assertThat(firstAnswers).failsWithin(Duration.ofSeconds(5)).withThrowableThat().withCauseInstanceOf(BufferExhaustedException.class);
        assertThat(secondAnswers).failsWithin(Duration.ofSeconds(5)).withThrowableThat().withCauseInstanceOf(BufferExhaustedException.class);
        assertThat(producer.history()).as("nothing after the record the producer had no room for")
                .extracting(ProducerRecord::value).containsExactly(created.envelope());
        assertThat(spans.getFinishedSpanItems()).as("every publish span but the pending one's ends, as an error").hasSize(3)
                .allSatisfy(span -> assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));

        CompletableFuture<List<Refused>> again = publisher.publish(List.of(paid)).answers().subscribeAsCompletionStage();
        producer.completeNext();
        producer.completeNext();
        assertThat(again).as("the next round's first batch is sent").succeedsWithin(Duration.ofSeconds(5));
    }

    @Test
    void aBatchIsNotSentAfterARecordOfTheOneBeforeItFailed() {
        Publication first = publisher.publish(List.of(event("order.created")));
        CompletableFuture<List<Refused>> firstAnswers = first.answers().subscribeAsCompletionStage();
        producer.errorNext(new NotLeaderOrFollowerException("moving"));

        CompletableFuture<List<Refused>> secondAnswers = publisher.publish(List.of(event("order.paid")), first).answers().subscribeAsCompletionStage();
        assertThat(firstAnswers).failsWithin(Duration.ofSeconds(5));
        assertThat(secondAnswers).failsWithin(Duration.ofSeconds(5)).withThrowableThat().withCauseInstanceOf(NotLeaderOrFollowerException.class);
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void aBatchGivenUpWhileItWaitsToBeSentIsNeverSent() {
        CompletableFuture<Integer> invoiceTopic = new CompletableFuture<>();
        KafkaPublisher publisher = publisherWith(producer, topicsAnswering(topic -> Uni.createFrom().completionStage(invoiceTopic)));
        Publication first = publisher.publish(List.of(event("invoice.created")));
        CompletableFuture<List<Refused>> firstAnswers = first.answers().subscribeAsCompletionStage();
        CompletableFuture<List<Refused>> secondAnswers = publisher.publish(List.of(event("invoice.paid")), first).answers()
                .subscribeAsCompletionStage();
        assertThat(firstAnswers).failsWithin(Duration.ofSeconds(5)).withThrowableThat().withCauseInstanceOf(PublishTimeout.class);
        assertThat(secondAnswers).failsWithin(Duration.ofSeconds(5)).withThrowableThat().withCauseInstanceOf(PublishTimeout.class);

        invoiceTopic.complete(1_048_588); // the look-up answers after both were given up
        assertThat(producer.history()).as("nothing sent after its round was given up").isEmpty();
        assertThat(spans.getFinishedSpanItems()).hasSize(2)
                .allSatisfy(span -> assertThat(span.getStatus().getDescription()).startsWith("not sent"));
    }

    /** Fails one record at once, through its callback, as Kafka's producer does when it waited for buffer room in vain. */
    private static final class NoRoomProducer extends MockProducer<String, String> {
        private final String noRoomFor;

        NoRoomProducer(String noRoomFor) {
            super(false, null, new StringSerializer(), new StringSerializer());
            this.noRoomFor = noRoomFor;
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<String, String> record, Callback callback) {
            if (!record.value().equals(noRoomFor)) {
                return super.send(record, callback);
            }
            BufferExhaustedException failure = new BufferExhaustedException("Failed to allocate 1200 bytes within 60000 ms");
            callback.onCompletion(null, failure);
            return CompletableFuture.failedFuture(failure);
        }
    }

    /** Topics whose {@code max.message.bytes} look-up answers as told. */
    private static RelayTopics topicsAnswering(Function<String, Uni<Integer>> lookUp) {
        return new RelayTopics(new RelayTopics.Kafka() {
            @Override
            public Map<String, Uni<Integer>> maxMessageBytes(Collection<String> topics) {
                Map<String, Uni<Integer>> answers = new HashMap<>();
                topics.forEach(topic -> answers.put(topic, lookUp.apply(topic)));
                return answers;
            }

            @Override
            public Uni<Void> create(String topic) {
                return Uni.createFrom().voidItem();
            }
        }, 262_144);
    }

    @Test
    void nothingIsSentUntilTheBatchIsSubscribedTo() {
        publisher.publish(List.of(event("order.created")));
        assertThat(producer.history()).isEmpty();
    }

    /** Publishes, then answers each record sent, in order: acknowledged where {@code answer} gives null, else failed with it. */
    private List<Refused> publishAnswering(List<PendingEvent> events, Function<ProducerRecord<String, String>, RuntimeException> answer)
            throws Exception {
        CompletableFuture<List<Refused>> result = publisher.publish(events).answers().subscribeAsCompletionStage();
        for (ProducerRecord<String, String> record : producer.history()) {
            RuntimeException failure = answer.apply(record);
            if (failure == null) {
                producer.completeNext();
            } else {
                producer.errorNext(failure);
            }
        }
        try {
            return result.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException failed) {
            throw (Exception) failed.getCause();
        }
    }

    private static String header(ProducerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static PendingEvent withTrace(PendingEvent event, TraceContext trace) {
        return new PendingEvent(event.id(), event.eventId(), event.eventType(), event.subject(), event.occurredAt(), event.timestamp(),
                event.source(), event.envelope(), event.account(), trace);
    }

    /** An event of the same subject, written after {@code earlier}. */
    private static PendingEvent later(PendingEvent earlier, String type) {
        return new PendingEvent(earlier.id() + 1, UUID.randomUUID().toString(), type, earlier.subject(), Instant.now(),
                earlier.timestamp(), earlier.source(), "{\"eventId\":\"" + UUID.randomUUID() + "\"}", null, null);
    }

    private static PendingEvent event(String type) {
        String id = UUID.randomUUID().toString();
        return new PendingEvent(Math.abs(id.hashCode()), id, type, "order/" + id, Instant.now(), "2026-11-28T10:15:30.000Z",
                "tidings", "{\"eventId\":\"" + id + "\"}", null, null);
    }
}
