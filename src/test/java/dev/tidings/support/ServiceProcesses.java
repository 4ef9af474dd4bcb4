package dev.tidings.support;

import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The service processes of one test class (register it as a static {@code @RegisterExtension} field):
 * it starts the shared infrastructure once, and after every test, passed or failed, kills the processes
 * started through it and deletes the webhook subscriptions made through it, so that the next class
 * starts from a clean slate.
 */
public final class ServiceProcesses implements BeforeAllCallback, AfterEachCallback {

    /** Every instance started by any test class; a test JVM that is stopped (a fork timeout) takes them with it. */
    private static final Set<ServiceProcess> ALL = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ALL.forEach(service -> service.process().destroyForcibly())));
    }

    private final Path log;
    private final List<ServiceProcess> started = new CopyOnWriteArrayList<>();
    private final List<String> subscriptions = new CopyOnWriteArrayList<>();

    /** Output of every process goes to {@code target/<logName>}. */
    public ServiceProcesses(String logName) {
        this.log = Path.of("target", logName);
    }

    /** Where the output of every process started through this goes (appended, across runs). */
    public Path log() {
        return log;
    }

    /** The infrastructure's settings and the test key, as environment variables. */
    public static Map<String, String> environment() {
        return new HashMap<>(TestInfrastructure.serviceEnvironment());
    }

    /** The same, plus what it takes to deliver to the test receiver: plain HTTP on 127.0.0.1. */
    public static Map<String, String> webhookEnvironment() {
        Map<String, String> environment = environment();
        environment.put("EVENTS_WEBHOOKS_ALLOW_HTTP", "true");
        environment.put("EVENTS_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true");
        return environment;
    }

    /** The same, with these settings beside it: names and values in turn, e.g. {@code "EVENTS_WEBHOOKS_TIMEOUT", "4s"}. */
    public static Map<String, String> webhookEnvironment(String... settings) {
        Map<String, String> environment = webhookEnvironment();
        for (int i = 0; i + 1 < settings.length; i += 2) {
            environment.put(settings[i], settings[i + 1]);
        }
        return environment;
    }

    /** Starts an instance and waits until it is ready. */
    public ServiceProcess start(Map<String, String> environment) throws IOException {
        return start(environment, "/q/health/ready");
    }

    /** Starts an instance and waits until {@code healthPath} answers 200. */
    public ServiceProcess start(Map<String, String> environment, String healthPath) throws IOException {
        return track(ServiceProcess.start(environment, 0, healthPath, log));
    }

    /** Starts an instance with another command (see {@link ServiceProcess#command(Path, List, Path)}) and waits until it is ready. */
    public ServiceProcess start(List<String> command, Map<String, String> environment) throws IOException {
        return track(ServiceProcess.start(command, environment, 0, "/q/health/ready", log));
    }

    private ServiceProcess track(ServiceProcess service) {
        started.add(service);
        ALL.add(service);
        return service;
    }

    /** Subscribes {@code url} through {@code instance}; answers the subscription's id. */
    public String subscribe(ServiceProcess instance, String url, List<String> eventTypes) {
        return subscribeWithSecret(instance, url, eventTypes).getString("id");
    }

    /** The same; answers the created subscription, its signing secret included. */
    public JsonPath subscribeWithSecret(ServiceProcess instance, String url, List<String> eventTypes) {
        JsonPath created = instance.request().body(Map.of("url", url, "eventTypes", eventTypes)).post("/webhooks")
                .then().statusCode(201).extract().jsonPath();
        subscriptions.add(created.getString("id"));
        return created;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        TestInfrastructure.startOnce();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            for (ServiceProcess service : started) {
                service.close();
                ALL.remove(service);
            }
        } finally {
            started.clear();
            // No instance is left to ask: the rows go directly, their deliveries and dead letters with them
            // (the cascades that DELETE /webhooks/{id} relies on).
            for (String id : subscriptions) {
                Database.update("delete from webhook_subscription where id = ?", UUID.fromString(id));
            }
            subscriptions.clear();
        }
    }
}
