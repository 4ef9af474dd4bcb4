package dev.tidings.operations;

import dev.tidings.support.ServiceProcess;
import dev.tidings.support.ServiceProcesses;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every series the shipped alert rules query exists as soon as a fresh instance is ready, before any work: an
 * alert on {@code increase()} sees the first change after a start only if the series was there at zero before it.
 */
@Tag("processes")
class AlertSeriesIT {

    private static final Path ALERT_RULES = Path.of("deploy", "monitoring", "tidings-alerts.yml");
    private static final Pattern METRIC = Pattern.compile("\\bevents_[a-z_]+");

    @RegisterExtension
    static final ServiceProcesses services = new ServiceProcesses("alert-series-it.log");

    @Test
    void everySeriesTheAlertRulesQueryExistsOnceAnInstanceIsReady() throws Exception {
        Set<String> queried = new TreeSet<>();
        Matcher metric = METRIC.matcher(Files.readString(ALERT_RULES));
        while (metric.find()) {
            queried.add(metric.group());
        }
        assertThat(queried).as("the alert rules' metrics").contains("events_dead_letters_total", "events_outbox_pending");

        ServiceProcess service = services.start(ServiceProcesses.environment());
        String exposition = service.request().get("/q/metrics").then().statusCode(200).extract().asString();

        assertThat(queried).allSatisfy(name -> assertThat(exposition).as(name).containsPattern("(?m)^" + name + "[{ ]"));
    }
}
