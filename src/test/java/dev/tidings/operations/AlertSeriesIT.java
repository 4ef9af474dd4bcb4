package dev.tidings.operations;

import dev.tidings.support.ServiceProcess;
import dev.tidings.support.ServiceProcesses;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every series the shipped alert rules and dashboard query exists as soon as a fresh instance is ready, before any
 * work: an alert on {@code increase()} sees the first change after a start only if the series was there at zero
 * before it, and a panel shows zero rather than no data.
 */
@Tag("processes")
class AlertSeriesIT {

    private static final List<Path> QUERIES = List.of(Path.of("deploy", "monitoring", "tidings-alerts.yml"),
            Path.of("deploy", "monitoring", "tidings-prometheusrule.yml"), Path.of("deploy", "monitoring", "tidings-dashboard.json"));
    private static final Pattern METRIC = Pattern.compile("\\bevents_[a-z_]+");

    @RegisterExtension
    static final ServiceProcesses services = new ServiceProcesses("alert-series-it.log");

    @Test
    void everySeriesTheAlertRulesAndTheDashboardQueryExistsOnceAnInstanceIsReady() throws Exception {
        Set<String> queried = new TreeSet<>();
        for (Path file : QUERIES) {
            Matcher metric = METRIC.matcher(Files.readString(file));
            while (metric.find()) {
                queried.add(metric.group());
            }
        }
        assertThat(queried).as("the queried metrics").contains("events_dead_letters_total", "events_outbox_pending",
                "events_webhook_attempt_duration_seconds_bucket");

        ServiceProcess service = services.start(ServiceProcesses.environment());
        String exposition = service.request().get("/q/metrics").then().statusCode(200).extract().asString();

        assertThat(queried).allSatisfy(name -> assertThat(exposition).as(name).containsPattern("(?m)^" + name + "[{ ]"));
    }
}
