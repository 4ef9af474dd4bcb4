package dev.tidings.relay;

import dev.tidings.config.EventsConfig;
import dev.tidings.event.EventType;
import dev.tidings.tracing.TraceAttributes;
import dev.tidings.tracing.TraceContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;

/**
 * Publishes envelopes to Kafka per CONTRACT §5: topic per resource, key = subject, CloudEvents
 * binary-mode headers. The returned Uni completes when Kafka has answered every record of the batch,
 * naming those it refused for good; it fails when another failure or the publish timeout came first.
 * Each record is sent in a publish span continuing the event's trace (a new trace for an event written
 * outside one), whose context the record carries as {@code ce_traceparent} (CONTRACT §13).
 *
 * <p>Records go straight to a Kafka producer ({@link RelayProducer}), a whole batch in one hop to its sending thread:
 * sending each record through the channel as a message costs several operators and thread hops per record, which the
 * relay's drain rate showed. A batch given up has what the producer still holds of it dropped.
 */
@ApplicationScoped
public class KafkaPublisher {

    /** The outgoing channel whose configuration the relay's producer takes ({@link RelayProducer}). */
    public static final String CHANNEL = "events-out";
    /** The account an event belongs to (CONTRACT §11); absent for the operators' own events. */
    public static final String ACCOUNT_HEADER = "ce_account";
    /** The event's type, as in its envelope. */
    public static final String TYPE_HEADER = "ce_type";
    /** The CloudEvents distributed-tracing extension: {@code ce_traceparent}, {@code ce_tracestate}. */
    public static final String TRACE_HEADER_PREFIX = "ce_";

    /** Record batch header of Kafka's record format v2. */
    private static final int BATCH_OVERHEAD = 61;

    private final SendingThread sendingThread;
    private final RelayTopics topics;
    /**
     * Record bytes sent to each topic sent in runs since the producer was last flushed (an upper bound of what its
     * open batches hold); only the producer's sending thread reads or writes it.
     */
    private final Map<String, Integer> unflushed = new HashMap<>();
    private final String topicPrefix;
    private final Duration publishTimeout;
    private final Tracer tracer;

    @Inject
    public KafkaPublisher(RelayProducer producer, RelayTopics topics, EventsConfig config, Tracer tracer) {
        this(producer, topics, config.kafka().topicPrefix(), config.outbox().publishTimeout(), tracer);
    }

    KafkaPublisher(SendingThread sendingThread, RelayTopics topics, String topicPrefix, Duration publishTimeout, Tracer tracer) {
        this.sendingThread = sendingThread;
        this.topics = topics;
        this.topicPrefix = topicPrefix;
        this.publishTimeout = publishTimeout;
        this.tracer = tracer;
    }

    /** The producer and its sending thread. */
    interface SendingThread {
        /** Runs work with the producer on its sending thread; the Uni ends when the work has run. */
        Uni<Void> run(Consumer<Producer<String, String>> work);

        /** Drops what this producer still holds, unless that was done before; later work gets a new producer. */
        void discard(Producer<String, String> producer);
    }

    private String topicOf(String eventType) {
        return topicPrefix + EventType.resource(eventType);
    }

    /**
     * Sends in the given order (so a subject's records keep it per partition) and waits for every answer,
     * at most {@code events.outbox.publish-timeout}. Answers the records Kafka refused for good, including
     * those whose topic name it could never accept (not sent at all); every other record was acknowledged.
     * Fails on the first failure that may pass (the whole batch is then tried again) or on the timeout.
     * Nothing is sent until the answers are subscribed to; topics not sent to before are looked up (or created) first,
     * and so are a failed batch's topics when it is tried again (one may have been deleted, or its limit changed).
     */
    Publication publish(List<PendingEvent> events) {
        return publish(events, Uni.createFrom().voidItem(), null);
    }

    /**
     * As {@link #publish(List)}, for the batch claimed after {@code previous} in the same round: its records go to the
     * producer only once all of the previous batch's have, and not at all when one of those failed. A later
     * batch whose topics are known sooner would otherwise overtake an earlier one still waiting for a look-up, and a
     * subject's later event reach its partition before its earlier one. Nor is any record of it sent once a batch before
     * it in the round has failed, even while its own records wait for the producer: the producer may then be dropped, and
     * a record sent through the next one, or sent before the drop, could reach Kafka ahead of that batch's.
     */
    Publication publish(List<PendingEvent> events, Publication previous) {
        return publish(events, previous.handedOff(), previous.batch());
    }

    private Publication publish(List<PendingEvent> events, Uni<Void> afterPrevious, Answers previous) {
        Answers answers = new Answers(events, previous);
        Uni<Void> handedOff = Uni.createFrom().deferred(() -> topics.learn(topicsOf(events)))
                .map(learned -> outgoing(events, answers)) // here, not on the sending thread, which may be sending the previous batch
                .chain(outgoing -> afterPrevious.onFailure().invoke(() -> notSent(outgoing))
                        .chain(() -> sendingThread.run(producer -> {
                            answers.sentWith(producer);
                            sendInOrder(producer, outgoing, answers);
                        })))
                .memoize().indefinitely();
        Uni<List<Refused>> answered = CallerContext.returnTo( // not on Kafka's I/O thread
                        handedOff.chain(() -> Uni.createFrom().completionStage(answers.all)))
                .ifNoItem().after(publishTimeout).failWith(() -> new PublishTimeout(events.size(), publishTimeout))
                .onFailure().invoke(failure -> {
                    answers.failed(failure); // given up: what has not been sent yet never will be (the round is tried again)
                    topics.forget(topicsOf(events));
                    if (answers.producer() != null) { // nor what the producer still holds of it, and of the batches after it
                        sendingThread.discard(answers.producer());
                    }
                });
        Uni<Void> clearToFollow = handedOff.chain(() -> answers.failure() == null ? Uni.createFrom().voidItem()
                : Uni.createFrom().failure(answers.failure()));
        return new Publication(clearToFollow, answered, answers);
    }

    /**
     * A batch on its way: {@code handedOff} ends once every record is with the producer, and fails when one could not
     * be (no record after it was sent) or Kafka has failed one since; {@code answers} as {@link #publish(List)} tells;
     * {@code batch} is what the batches after it in the round look at before each record they send.
     */
    record Publication(Uni<Void> handedOff, Uni<List<Refused>> answers, Answers batch) {
    }

    /** The batch's topics whose names Kafka accepts, each once. */
    private List<String> topicsOf(List<PendingEvent> events) {
        return events.stream().map(event -> topicOf(event.eventType())).distinct().filter(topic -> KafkaRefusal.ofTopic(topic).isEmpty()).toList();
    }

    /** The batch's records, each with its publish span; a record whose topic name Kafka cannot accept is refused here. */
    private List<Outgoing> outgoing(List<PendingEvent> events, Answers answers) {
        List<Outgoing> outgoing = new ArrayList<>(events.size());
        Map<String, Optional<String>> invalidTopics = new HashMap<>(); // a batch has few topics: each name checked once
        for (int index = 0; index < events.size(); index++) {
            PendingEvent event = events.get(index);
            String topic = topicOf(event.eventType());
            Optional<String> invalidTopic = invalidTopics.computeIfAbsent(topic, KafkaRefusal::ofTopic);
            if (invalidTopic.isPresent()) {
                answers.refused(index, invalidTopic.get());
            } else {
                Span span = publishSpan(event, topic);
                outgoing.add(new Outgoing(index, record(event, topic, span), span));
            }
        }
        return outgoing;
    }

    /**
     * Hands the records to the producer in order, and stops at the first failure that may pass (the producer is closed,
     * gave up waiting for metadata or buffer room, or already failed a record of the batch): sent after it, a record could
     * reach its partition before the failed one does when the batch is tried again. A batch given up on (no answers in
     * time) while it waited for a topic look-up or for the batch before it sends nothing.
     */
    private void sendInOrder(Producer<String, String> producer, List<Outgoing> outgoing, Answers answers) {
        int next = 0;
        while (next < outgoing.size() && answers.failureInRound() == null) {
            send(producer, outgoing.get(next++), answers);
        }
        Throwable failure = answers.failureInRound();
        if (failure != null) {
            notSent(outgoing.subList(next, outgoing.size()));
            throw failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure);
        }
    }

    private static void notSent(List<Outgoing> unsent) {
        unsent.forEach(record -> {
            record.span().setStatus(StatusCode.ERROR, "not sent: a record before it failed, or the batch was given up");
            record.span().end();
        });
    }

    private void send(Producer<String, String> producer, Outgoing outgoing, Answers answers) {
        try {
            endRunIfFull(producer, outgoing.record());
            if (answers.failureInRound() != null) { // failed while the run before was waited for: sent now, it could overtake it
                notSent(List.of(outgoing));
                return;
            }
            producer.send(outgoing.record(), (metadata, failure) -> {
                if (failure != null) {
                    outgoing.span().setStatus(StatusCode.ERROR, failure.toString());
                }
                outgoing.span().end();
                answers.answered(outgoing.index(), failure);
            });
        } catch (RuntimeException failure) { // not sent: the producer is closed, or the record cannot be serialised
            outgoing.span().setStatus(StatusCode.ERROR, failure.toString());
            outgoing.span().end();
            answers.answered(outgoing.index(), failure);
        }
    }

    /**
     * Sends a topic's records in runs, each waited for, when it needs them ({@link RelayTopics}): before a record that
     * does not fit with those sent to the topic since the producer was last flushed, waits until the producer has sent
     * everything, so the record starts a new batch.
     * <ul>
     * <li>A topic that takes smaller batches than the producer builds: a run is what fits its limit. A record over the
     * limit on its own goes in a batch of its own, which Kafka then refuses for good (it is quarantined) instead of
     * refusing, again and again, the batch around it.</li>
     * <li>A topic missing at the last look, whose partitions may be new: a run is one record. With one batch in flight,
     * a first batch refused by a partition whose leader is not ready is retried before any other is sent, so none is
     * accepted before it (which wedges the producer's sequence, see {@link RelayTopics}).</li>
     * </ul>
     */
    private void endRunIfFull(Producer<String, String> producer, ProducerRecord<String, String> record) {
        int limit = topics.limitOf(record.topic());
        boolean oneAtATime = topics.isNew(record.topic());
        if (limit == 0 && !oneAtATime) {
            return;
        }
        int bytes = recordBytes(record);
        int before = unflushed.getOrDefault(record.topic(), 0);
        if (before > 0 && (oneAtATime || before + bytes > limit - BATCH_OVERHEAD)) {
            producer.flush();
            unflushed.clear();
            before = 0;
        }
        unflushed.put(record.topic(), before + bytes);
    }

    /** No less than the record takes in a batch (record format v2, its varints counted at their longest). */
    private static int recordBytes(ProducerRecord<String, String> record) {
        int bytes = 36 + utf8Length(record.key()) + utf8Length(record.value());
        for (Header header : record.headers()) {
            bytes += 10 + utf8Length(header.key()) + header.value().length;
        }
        return bytes;
    }

    private static int utf8Length(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static ProducerRecord<String, String> record(PendingEvent event, String topic, Span span) {
        RecordHeaders headers = new RecordHeaders();
        header(headers, "ce_specversion", "1.0");
        header(headers, "ce_id", event.eventId());
        header(headers, TYPE_HEADER, event.eventType());
        header(headers, "ce_source", event.source());
        header(headers, "ce_time", event.timestamp());
        header(headers, "ce_subject", event.subject());
        if (event.account() != null) {
            header(headers, ACCOUNT_HEADER, event.account().toString());
        }
        TraceContext published = TraceContext.of(Context.root().with(span));
        if (published != null) {
            published.write(TRACE_HEADER_PREFIX, (name, value) -> header(headers, name, value));
        }
        header(headers, "content-type", "application/json");
        return new ProducerRecord<>(topic, null, event.subject(), event.envelope(), headers);
    }

    /** Ends when Kafka answers; an error when it refused the record or the send failed. */
    private Span publishSpan(PendingEvent event, String topic) {
        return tracer.spanBuilder("publish " + topic)
                .setSpanKind(SpanKind.PRODUCER)
                .setParent(TraceContext.restore(event.trace()))
                .setAttribute(TraceAttributes.MESSAGING_SYSTEM, "kafka")
                .setAttribute(TraceAttributes.MESSAGING_OPERATION, "send")
                .setAttribute(TraceAttributes.MESSAGING_DESTINATION, topic)
                .setAttribute(TraceAttributes.MESSAGE_ID, event.eventId())
                .setAttribute(TraceAttributes.EVENT_TYPE, event.eventType())
                .startSpan();
    }

    /** One record on its way, and its place in the batch. */
    private record Outgoing(int index, ProducerRecord<String, String> record, Span span) {
    }

    /**
     * Kafka's answers to one batch, from its I/O thread: complete with the refusals (in batch order) once
     * every record is answered; failed at the first failure that may pass.
     */
    static final class Answers {
        private final List<PendingEvent> events;
        /** The batch before it in the round, if any. */
        private final Answers previous;
        private final Refused[] refused;
        private final AtomicIntegerArray answered;
        private final AtomicInteger pending;
        private volatile Throwable failure;
        /** The producer the batch was handed to, once it was. */
        private volatile Producer<String, String> producer;
        final CompletableFuture<List<Refused>> all = new CompletableFuture<>();

        Answers(List<PendingEvent> events, Answers previous) {
            this.events = events;
            this.previous = previous;
            this.refused = new Refused[events.size()];
            this.answered = new AtomicIntegerArray(events.size());
            this.pending = new AtomicInteger(events.size());
            if (events.isEmpty()) {
                all.complete(List.of());
            }
        }

        void answered(int index, Exception failure) {
            if (failure == null) {
                settled(index);
                return;
            }
            Optional<String> refusal = KafkaRefusal.of(failure);
            if (refusal.isPresent()) {
                refused(index, refusal.get());
            } else {
                failed(failure);
            }
        }

        void sentWith(Producer<String, String> producer) {
            this.producer = producer;
        }

        Producer<String, String> producer() {
            return producer;
        }

        /** The batch failed (a record failed, or it was given up): the first failure stays. */
        void failed(Throwable failure) {
            if (this.failure == null) {
                this.failure = failure;
            }
            all.completeExceptionally(failure);
        }

        /** A failure that may pass, once there is one. */
        Throwable failure() {
            return failure;
        }

        /** This batch's failure, or that of a batch before it in the round. */
        Throwable failureInRound() {
            return failure != null || previous == null ? failure : previous.failureInRound();
        }

        void refused(int index, String reason) {
            refused[index] = new Refused(events.get(index), reason);
            settled(index);
        }

        // Each record counts once, however its answer came (the producer answers a send exactly once; this makes sure)
        private void settled(int index) {
            if (answered.compareAndSet(index, 0, 1) && pending.decrementAndGet() == 0) {
                all.complete(Arrays.stream(refused).filter(Objects::nonNull).toList());
            }
        }
    }

    /** A record Kafka refuses for good, and why. */
    record Refused(PendingEvent event, String reason) {
    }

    /** Kafka did not answer every record of a batch in time; the batch is given up and tried again. */
    static final class PublishTimeout extends RuntimeException {
        PublishTimeout(int records, Duration timeout) {
            super("Kafka did not answer all " + records + " records of the batch within " + timeout);
        }
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
