package dev.tidings.support;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;
import java.util.Set;

/** A test profile that only overrides configuration and, where a test needs it, enables alternative beans. */
public abstract class ConfigOverrideProfile implements QuarkusTestProfile {

    private final Map<String, String> overrides;
    private final Set<Class<?>> alternatives;

    protected ConfigOverrideProfile(Map<String, String> overrides, Class<?>... alternatives) {
        this.overrides = overrides;
        this.alternatives = Set.of(alternatives);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return overrides;
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return alternatives;
    }
}
