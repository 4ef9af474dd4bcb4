package dev.tidings.sse;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * One flush per HTTP/2 connection for the frames the live feed writes to its streams in one event loop task, not
 * one per stream. Vert.x flushes the connection after every stream's write made outside a read, so a broadcast to
 * the 100 streams of one connection cost 100 socket writes (and the client 100 reads); with the flushes consolidated
 * the frames leave together when the task ends (Netty's {@link FlushConsolidationHandler}, which also flushes
 * after every 256 flushes). An HTTP/1.1 connection carries one stream: nothing to gain there.
 */
final class SharedConnectionFlushes {

    private SharedConnectionFlushes() {
    }

    /** Installs the consolidation on the request's connection once, if it is HTTP/2; on the connection's event loop. */
    static void consolidate(HttpServerRequest request) {
        if (request.version() == HttpVersion.HTTP_2 && request.connection() instanceof ConnectionBase connection) {
            ChannelPipeline pipeline = connection.channelHandlerContext().pipeline();
            // Last: Vert.x flushes the whole channel, which starts at the tail, so this holds the flush before it reaches
            // the HTTP/2 codec, and the codec then writes all the frames held back at once
            if (pipeline.get(FlushConsolidationHandler.class) == null) {
                pipeline.addLast(new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
            }
        }
    }
}
