package dev.accesspass.spring;

import dev.accesspass.AccessPassConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Reads {@code accesspass.*} from the Spring {@link Environment} into the one configuration path of core
 * ({@link AccessPassConfig.Builder#set}, the same parsing and bounds as an init-param). Spring's relaxed binding
 * applies: {@code accesspass.access-token-ttl}, {@code accesspass.accessTokenTtl} in YAML,
 * {@code ACCESSPASS_ACCESS_TOKEN_TTL} in the environment, {@code -Daccesspass.access-token-ttl}; OAuth providers as a
 * YAML map under {@code accesspass.oauth.<provider>}. Precedence is Spring's (command line, environment, system
 * properties, {@code application.yml}, …).
 *
 * <p>A key under {@code accesspass.} that AccessPass does not know, in any source but the process environment, fails
 * the start with the "did you mean" hint of core: a misspelt {@code access-token-tll} must not silently leave the
 * default. (The environment is left out of that check because its names cannot be told apart from other programs'
 * variables with certainty.)
 */
final class SpringEnvironmentConfig {
    private static final String PREFIX = "accesspass";

    private SpringEnvironmentConfig() {
    }

    /**
     * @throws IllegalArgumentException naming the key ({@code accesspass.<key>}) when a value is bad
     */
    static AccessPassConfig read(Environment environment) {
        Binder binder = Binder.get(environment);
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : AccessPassConfig.keys()) {
            binder.bind(PREFIX + "." + key, Bindable.of(String.class)).ifBound(value -> values.put(key, value));
        }
        for (String provider : providers(binder)) {
            for (String setting : AccessPassConfig.oauthSettings()) {
                String key = "oauth." + provider + "." + setting;
                binder.bind(PREFIX + "." + key, Bindable.of(String.class)).ifBound(value -> values.put(key, value));
            }
        }
        AccessPassConfig.Builder builder = AccessPassConfig.builder();
        try {
            for (String unknown : unknownKeys(environment)) {
                builder.set(unknown, "?"); // throws: not a known setting, with the nearest known key as a hint
            }
            values.forEach(builder::set);
            return builder.build();
        } catch (IllegalArgumentException e) {
            // No cause attached: the message is the cause's, with the key as the application spells it.
            throw new IllegalArgumentException(PREFIX + "." + e.getMessage());
        }
    }

    /** Provider names under {@code accesspass.oauth}, lower case (the names core accepts). */
    private static Set<String> providers(Binder binder) {
        Set<String> providers = new TreeSet<>();
        binder.bind(PREFIX + ".oauth", Bindable.mapOf(String.class, Object.class))
                .ifBound(map -> map.keySet().forEach(name -> providers.add(name.toLowerCase(Locale.ROOT))));
        return providers;
    }

    private static Set<String> unknownKeys(Environment environment) {
        Set<String> known = new TreeSet<>();
        AccessPassConfig.keys().forEach(key -> known.add(PREFIX + "." + key));
        ConfigurationPropertyName root = ConfigurationPropertyName.of(PREFIX);
        Set<String> unknown = new TreeSet<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource
                    || !(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            iterable.filter(root::isAncestorOf).forEach(name -> {
                String dashed = name.toString();
                boolean isKnown = known.stream()
                        .anyMatch(key -> ConfigurationPropertyName.of(key).equals(name));
                if (!isKnown && !dashed.startsWith(PREFIX + ".oauth.")) {
                    unknown.add(dashed.substring(PREFIX.length() + 1));
                }
            });
        }
        return unknown;
    }
}
