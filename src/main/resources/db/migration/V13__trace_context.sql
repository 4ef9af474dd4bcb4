-- The W3C trace context of the request that wrote an event (CONTRACT §13): the relay continues it when
-- it publishes (ce_traceparent), and every webhook attempt for the event joins the same trace. Null for
-- events written outside any trace (and for those written before this migration): the relay starts one.
-- Both are stored as the headers carry them; tracestate is capped at its W3C size by the service.
alter table outbox add column traceparent varchar(55);
alter table outbox add column tracestate varchar(512);

-- The context of the relay's publish span, as the fan-out read it from the Kafka record: attempts are
-- its children. Null for deliveries made otherwise (replays, recoveries): they join the event's trace.
alter table webhook_delivery add column traceparent varchar(55);
alter table webhook_delivery add column tracestate varchar(512);
