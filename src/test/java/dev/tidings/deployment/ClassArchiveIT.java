package dev.tidings.deployment;

import dev.tidings.support.Orders;
import dev.tidings.support.ServiceProcess;
import dev.tidings.support.ServiceProcesses;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JVM image's class archive, made as Dockerfile.jvm makes it ({@link ServiceProcess#trainClassArchive}: the
 * image's training script starts the packaged service with the image's JVM options and no database or broker, and
 * stops it once it is live).
 * The service then starts from that archive against the real ones ({@code -Xshare:on}: only if the JVM maps it)
 * and serves, and its own classes and its libraries' come from the archive, not from the jars.
 */
@Tag("processes")
@Timeout(value = 8, unit = TimeUnit.MINUTES) // the training (bounded at 4 min by ServiceProcess) and a start (90 s)
class ClassArchiveIT {

    /** How -Xlog:class+load names the dynamic archive layered on top of the JDK's own. */
    private static final String FROM_ARCHIVE = "source: shared objects file (top)";

    @RegisterExtension
    static final ServiceProcesses services = new ServiceProcesses("class-archive-it.log");

    @Test
    void theImagesTrainingMakesAnArchiveTheServiceStartsFrom() throws Exception {
        Path archive = Path.of("target", "class-archive-it.jsa").toAbsolutePath();
        Path classes = Path.of("target", "class-archive-it-classes.log").toAbsolutePath();
        Files.deleteIfExists(classes);

        ServiceProcess.trainClassArchive(archive, services.log());
        assertThat(archive).isNotEmptyFile();

        ServiceProcess service = services.start(ServiceProcess.command(Path.of(System.getProperty("java.home")),
                List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on", "-Xlog:class+load=info:file=" + classes),
                ServiceProcess.JAR), ServiceProcesses.environment());
        String id = service.request().body(Orders.newOrder("archive")).post("/orders").then().statusCode(201).extract().path("id");
        service.request().get("/orders/{id}", id).then().statusCode(200);

        List<String> loaded = Files.readAllLines(classes);
        assertThat(loaded).as("the service's resource class").anyMatch(line -> line.contains(" dev.tidings.order.OrderResource ")
                && line.contains(FROM_ARCHIVE));
        // the classes loaded from the application's jars (target/quarkus-app) rather than the archive: those first
        // needed after the start (the database and broker are missing in the training), and those CDS cannot hold
        long fromArchive = loaded.stream().filter(line -> line.contains(FROM_ARCHIVE)).count();
        long fromJars = loaded.stream().filter(line -> line.contains("source: file:") || line.contains("source: jar:")).count();
        assertThat(fromArchive).as("classes from the archive, against %d from the jars", fromJars).isGreaterThan(4 * fromJars);
    }
}
