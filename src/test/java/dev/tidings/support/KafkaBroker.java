package dev.tidings.support;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.Logger;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.logging.Level;

/** A real single-node Kafka broker (KRaft, broker and controller in one), every listener on 127.0.0.1. */
public final class KafkaBroker implements AutoCloseable {

    /**
     * The broker's loggers, at WARN. In a JVM where nothing configures logging (the benchmarks, the tests that run the
     * service as a process of its own), the log manager's root level is ALL: the broker would build every TRACE and
     * DEBUG message of every request, a fifth of its CPU, only for it to be dropped. Held here so the levels stay set.
     */
    private static final List<Logger> QUIET = List.of("kafka", "org.apache.kafka", "state.change.logger").stream()
            .map(name -> LogContext.getLogContext().getLogger(name)).toList();

    private final KafkaRaftServer server;
    private final int port;

    private KafkaBroker(KafkaRaftServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Starts a broker whose logs live in {@code dataDirectory}; ports of 0 are chosen freely. */
    public static KafkaBroker start(Path dataDirectory, int brokerPort, int controllerPort) throws IOException {
        return start(dataDirectory, brokerPort, controllerPort, Map.of());
    }

    /** As {@link #start(Path, int, int)}, with some of the broker's settings other than the tests' usual ones. */
    public static KafkaBroker start(Path dataDirectory, int brokerPort, int controllerPort, Map<String, String> settings) throws IOException {
        QUIET.forEach(logger -> logger.setLevel(Level.WARNING));
        int port = brokerPort > 0 ? brokerPort : freePort();
        int controller = controllerPort > 0 ? controllerPort : freePort();
        Files.createDirectories(dataDirectory);
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", dataDirectory.toAbsolutePath().toString());
        props.put("num.partitions", "3");
        props.put("auto.create.topics.enable", "true");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.putAll(settings);
        format(dataDirectory, props);
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        return new KafkaBroker(server, port);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Formats the storage once; a directory that holds a formatted log (a restart) is kept as it is. */
    private static void format(Path dataDirectory, Properties props) throws IOException {
        if (Files.exists(dataDirectory.resolve("meta.properties"))) {
            return;
        }
        Path config = dataDirectory.resolve("server.properties");
        try (Writer writer = Files.newBufferedWriter(config)) {
            props.store(writer, "Tidings test broker");
        }
        // A cluster id must not start with '-', which a random base64 id sometimes does.
        String clusterId = "T" + UUID.randomUUID().toString().replace("-", "").substring(0, 21);
        int exit = StorageTool.execute(new String[]{"format", "-t", clusterId, "-c", config.toString(), "--ignore-formatted"},
                new PrintStream(OutputStream.nullOutputStream()));
        if (exit != 0) {
            throw new IOException("Formatting Kafka storage failed with exit code " + exit);
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
