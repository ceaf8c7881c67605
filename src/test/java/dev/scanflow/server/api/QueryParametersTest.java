package dev.scanflow.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.server.alert.Severity;
import dev.scanflow.server.delta.HostAddress;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QueryParametersTest {

    private static void refused(Runnable call, String... mentions) {
        ApiError error = assertThrows(ApiError.class, call::run);
        assertEquals(400, error.getStatus());
        for (String mention : mentions) {
            assertTrue(error.getMessage().contains(mention), "'" + mention + "' in: " + error.getMessage());
        }
    }

    @Test
    void anUnknownOrRepeatedParameterIsRefusedByName() {
        refused(() -> QueryParameters.parse("sevrity=high", "severity", "limit"), "'sevrity'", "severity, limit");
        refused(() -> QueryParameters.parse("site=a", new String[0]), "'site'", "takes none");
        refused(() -> QueryParameters.parse("limit=1&limit=2", "limit"), "'limit'", "more than once");
    }

    @Test
    void valuesArePercentDecodedAndAPlusStaysAPlus() {
        QueryParameters parameters = QueryParameters.parse("site=branch%20office&from=2026-11-22T09:00:00+01:00", "site", "from");
        assertEquals("branch office", parameters.site());
        assertEquals(Instant.parse("2026-11-22T08:00:00Z"), parameters.instant("from"));
        refused(() -> QueryParameters.parse("site=%zz", "site"), "'site'");
    }

    @Test
    void absentAndEmptyValuesAreAbsent() {
        QueryParameters parameters = QueryParameters.parse("site=&limit", "site", "limit", "cursor");
        assertNull(parameters.site());
        assertEquals(QueryParameters.DEFAULT_LIMIT, parameters.limit());
        assertNull(parameters.cursor());
        assertNull(QueryParameters.parse(null, "from").instant("from"));
    }

    @Test
    void typedValuesOutOfRangeAreRefusedByName() {
        refused(() -> QueryParameters.parse("limit=0", "limit").limit(), "'limit'", "1 to 1000");
        refused(() -> QueryParameters.parse("limit=1001", "limit").limit(), "'limit'");
        assertEquals(1000, QueryParameters.parse("limit=1000", "limit").limit());
        refused(() -> QueryParameters.parse("subnet=0", "subnet").positiveLong("subnet"), "'subnet'");
        refused(() -> QueryParameters.parse("from=2026-11-22T08:00:00", "from").instant("from"), "'from'", "zone");
        refused(() -> QueryParameters.parse("address=10.0.0.256", "address").address("address"), "'address'");
        assertEquals(HostAddress.parse("2001:db8::1"), QueryParameters.parse("address=2001:db8::1", "address").address("address"));
        refused(() -> QueryParameters.parse("cursor=1%3B2", "cursor").cursor(), "'cursor'");
        refused(() -> QueryParameters.parse("order=up", "order").oneOf("order", "newest", "newest", "oldest"), "'order'",
                "newest, oldest");
    }

    @Test
    void listsTakeCommaSeparatedValuesOfAClosedSet() {
        assertEquals(Set.of(Severity.LOW, Severity.HIGH),
                QueryParameters.parse("s=low,high", "s").list("s", Severity::parse, "a severity"));
        refused(() -> QueryParameters.parse("s=low,,high", "s").list("s", Severity::parse, "a severity"), "'s'", "a severity");
        assertEquals(List.of(), List.copyOf(QueryParameters.parse("", "s").list("s", Severity::parse, "a severity")));
    }
}
