package dev.tidings.config;

import dev.tidings.support.ServiceProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Outside dev mode the packaged service refuses to start without an API key, and says which key is missing. */
@Tag("processes")
class MissingApiKeyIT {

    private static final Path LOG = Path.of("target", "missing-api-key-it.log");

    @Test
    void theServiceRefusesToStartWithoutAnApiKey() throws Exception {
        Files.deleteIfExists(LOG);
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", ServiceProcess.JAR.toString())
                .redirectErrorStream(true).redirectOutput(LOG.toFile()); // a file: the process never blocks on a full pipe
        builder.environment().remove("EVENTS_AUTH_API_KEYS");
        builder.environment().put("QUARKUS_HTTP_PORT", "0");
        builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        Process process = builder.start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the service exited on its own").isTrue();
            assertThat(process.exitValue()).isNotZero();
            assertThat(Files.readString(LOG)).contains("events.auth.api-keys");
        } finally {
            process.destroyForcibly();
        }
    }
}
