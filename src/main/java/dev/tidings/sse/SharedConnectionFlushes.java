package dev.tidings.sse;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * One flush per connection for the frames the live feed writes to its streams in one event loop task, not one per
 * frame; the flush comes in a task of its own once the feed's task ends (Netty's {@link FlushConsolidationHandler},
 * which also flushes after every 256 flushes). Vert.x flushes a connection after every write made outside a read:
 * <ul>
 * <li>a broadcast to the 100 streams of one HTTP/2 connection cost 100 socket writes (and the client 100 reads);</li>
 * <li>over HTTP/1.1, a flush that writes at once completes the stream's write there, and the stream writes its next
 * frame in the same task: the feed's task also wrote every frame its streams had waiting. With the flushes put off,
 * a broadcast to 18,000 streams no longer held a loop for seconds (see the benchmarks' P5).</li>
 * </ul>
 */
final class SharedConnectionFlushes {

    private SharedConnectionFlushes() {
    }

    /** Installs the consolidation on the request's connection once; on the connection's event loop. */
    static void consolidate(HttpServerRequest request) {
        if (!(request.connection() instanceof ConnectionBase connection)) {
            return;
        }
        ChannelHandlerContext vertx = connection.channelHandlerContext();
        ChannelPipeline pipeline = vertx.pipeline();
        if (pipeline.get(FlushConsolidationHandler.class) != null) {
            return;
        }
        FlushConsolidationHandler consolidation = new FlushConsolidationHandler(
                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true);
        if (request.version() == HttpVersion.HTTP_2) {
            // Last: Vert.x flushes the whole channel, which starts at the tail, so this holds the flush before it reaches
            // the HTTP/2 codec, and the codec then writes all the frames held back at once
            pipeline.addLast(consolidation);
        } else {
            // HTTP/1.x writes and flushes from Vert.x's own handler towards the socket: just before it
            pipeline.addBefore(vertx.name(), null, consolidation);
        }
    }
}
