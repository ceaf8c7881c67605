package dev.scanflow.server.access;

import dev.scanflow.config.InvalidSettings;
import dev.scanflow.config.SettingsSource;
import java.nio.file.Path;

/**
 * Operator tokens and their rate limits (issue 16); every key is listed with its default in config/server.properties.
 *
 * @param operatorTokensFile scanflow.server.operator-tokens-file: named tokens with roles, default config/operator-tokens
 * @param perSecond          scanflow.server.rate-limit-per-second: requests per second each operator token may
 *                           make, on average, default 20
 * @param burst              scanflow.server.rate-limit-burst: requests a token may make at once after being idle,
 *                           default 100 (a dashboard refresh is about a dozen)
 */
public record AccessSettings(Path operatorTokensFile, double perSecond, int burst) {

    public static AccessSettings from(SettingsSource source, Path home) {
        String rate = source.string("scanflow.server.rate-limit-per-second", "20");
        double perSecond;
        try {
            perSecond = Double.parseDouble(rate);
        } catch (NumberFormatException e) {
            perSecond = Double.NaN;
        }
        if (!(perSecond >= 0.01 && perSecond <= 100_000)) {
            throw new InvalidSettings("scanflow.server.rate-limit-per-second: '" + rate + "' is not a number from 0.01 to 100000");
        }
        return new AccessSettings(home.resolve(source.string("scanflow.server.operator-tokens-file", "config/operator-tokens")),
                perSecond, source.integer("scanflow.server.rate-limit-burst", 100, 1, 1_000_000));
    }
}
