package dev.tidings.config;

import dev.tidings.support.ServiceProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Outside dev mode the packaged service refuses to start without an API key, and says which key is missing. */
@Tag("processes")
class MissingApiKeyIT {

    @Test
    void theServiceRefusesToStartWithoutAnApiKey() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", ServiceProcess.JAR.toString()).redirectErrorStream(true);
        builder.environment().remove("EVENTS_AUTH_API_KEYS");
        builder.environment().put("QUARKUS_HTTP_PORT", "0");
        builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isNotZero();
        assertThat(output).contains("events.auth.api-keys");
    }
}
