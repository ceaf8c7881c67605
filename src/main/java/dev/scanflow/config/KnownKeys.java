package dev.scanflow.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses settings no part of the role reads, so a typo ({@code scanflow.agent.subnetz}) stops the start
 * instead of being silently ignored. The keys a role knows are the keys its settings classes asked the
 * {@link SettingsSource} for while reading it (each typed setting is declared once, where it is read), plus
 * the keys of features that were off and so not read (named by the caller).
 *
 * <p>Checked: every key of the config file, and scanflow.* JVM options ({@code scanflow.home} is the
 * launcher's own). Environment variables are only warned about: orchestrators set SCANFLOW_* variables of
 * their own (Kubernetes' service links), and *_FILE variables name files holding a secret.
 */
public final class KnownKeys {

    private static final Logger LOG = LoggerFactory.getLogger(KnownKeys.class);
    private static final Set<String> LAUNCHER_PROPERTIES = Set.of("scanflow.home");
    private static final Set<String> LAUNCHER_VARIABLES = Set.of("SCANFLOW_JAVA_OPTS", "SCANFLOW_HOME");

    private KnownKeys() {
    }

    /** Throws {@link InvalidSettings} naming the first unknown key and the nearest known one. */
    public static void require(SettingsSource source, String role, Collection<String> alsoKnown) {
        Set<String> known = new TreeSet<>(source.askedKeys());
        known.addAll(alsoKnown);
        Set<String> unknown = new LinkedHashSet<>();
        for (String key : source.givenKeys()) {
            if (!known.contains(key) && !LAUNCHER_PROPERTIES.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            String key = unknown.iterator().next();
            throw new InvalidSettings(key + " is not a setting of the " + role
                    + nearest(key, known).map(k -> " (did you mean " + k + "?)").orElse("")
                    + (unknown.size() > 1 ? "; also unknown: " + String.join(", ", unknown.stream().skip(1).toList()) : ""));
        }
        Set<String> knownVariables = new TreeSet<>();
        known.forEach(k -> knownVariables.add(SettingsSource.environmentName(k)));
        for (String name : source.givenEnvironmentNames()) {
            String base = name.endsWith("_FILE") ? name.substring(0, name.length() - 5) : name;
            if (!knownVariables.contains(name) && !knownVariables.contains(base) && !LAUNCHER_VARIABLES.contains(name)) {
                LOG.warn("environment variable {} is not a setting of the {}; ignored", name, role);
            }
        }
    }

    /** The known key closest in edit distance, when it is close enough to be a typo. */
    static Optional<String> nearest(String key, Collection<String> known) {
        int limit = Math.max(2, key.length() / 5);
        return known.stream()
                .map(k -> new Object[] {k, distance(key, k)})
                .filter(pair -> (int) pair[1] <= limit)
                .min(Comparator.comparingInt(pair -> (int) pair[1]))
                .map(pair -> (String) pair[0]);
    }

    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
