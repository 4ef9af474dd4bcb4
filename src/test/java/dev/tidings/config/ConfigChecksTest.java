package dev.tidings.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.WithName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ConfigChecks} names each key by hand: every size, count and duration of {@link EventsConfig}, found here by
 * walking the mapping itself, must be refused at zero (a key added without its check fails this test).
 */
class ConfigChecksTest {

    private static final Map<String, String> REQUIRED = Map.of("events.auth.api-keys", "only-key",
            "events.secrets.keys", "dGlkaW5ncy10ZXN0LWtleTpub3QtYS1yZWFsLW9uZSE=");
    /** Keys for which zero is a valid setting, with the smallest value that is not. */
    private static final Map<String, String> ZERO_ALLOWED = Map.of("events.webhooks.lease-margin", "-1s");

    @Test
    void theDefaultsWithTheRequiredKeysPass() {
        assertThat(config(Map.of()).getConfigMapping(EventsConfig.class).outbox().batchSize()).isPositive();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("sizesCountsAndDurations")
    void aSizeCountOrDurationThatWouldBreakTheServiceIsRefusedByName(String key, String value) {
        assertThatThrownBy(() -> config(Map.of(key, value)))
                .isInstanceOf(ConfigValidationException.class)
                .hasMessageContaining(key);
    }

    static List<Object[]> sizesCountsAndDurations() {
        List<Object[]> keys = new ArrayList<>();
        collect(EventsConfig.class, "events", keys);
        assertThat(keys).as("the walk found the mapping's keys").hasSizeGreaterThan(20);
        return keys;
    }

    /** The keys SmallRye Config maps each method to: its name in kebab case, unless {@code @WithName} gives one. */
    private static void collect(Class<?> mapping, String prefix, List<Object[]> keys) {
        for (Method method : mapping.getDeclaredMethods()) {
            WithName named = method.getAnnotation(WithName.class);
            String name = named != null ? named.value() : method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
            String key = prefix + "." + name;
            Class<?> type = method.getReturnType();
            if (type.isInterface() && type.getDeclaringClass() == EventsConfig.class) {
                collect(type, key, keys);
            } else if (type == int.class || type == long.class) {
                keys.add(new Object[] {key, ZERO_ALLOWED.getOrDefault(key, "0")});
            } else if (type == Duration.class) {
                keys.add(new Object[] {key, ZERO_ALLOWED.getOrDefault(key, "0s")});
            } else if (type == List.class
                    && ((ParameterizedType) method.getGenericReturnType()).getActualTypeArguments()[0] == Duration.class) {
                keys.add(new Object[] {key, "1m,0s"});
            }
        }
    }

    private static SmallRyeConfig config(Map<String, String> settings) {
        Map<String, String> properties = new HashMap<>(REQUIRED);
        properties.putAll(settings);
        return new SmallRyeConfigBuilder()
                .withMapping(EventsConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()) // "10s", as Quarkus reads durations
                .withValidator(new ConfigChecks())
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
    }
}
