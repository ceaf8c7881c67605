package dev.scanflow.server.apply;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.server.phpipam.PhpipamUnavailable;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/**
 * Which failures of an overdue scan stop the sweep (the database cannot be reached: every later scan would fail
 * too) and which only skip that scan (its own data, a deadlock), as the MariaDB driver and the pool raise them.
 */
class OverdueFaultsTest {

    private static PhpipamUnavailable wrapped(SQLException e) {
        return new PhpipamUnavailable("applying overdue scan x", e);
    }

    @Test
    void aDatabaseThatCannotBeReachedStopsTheSweep() {
        assertTrue(ReportApplication.databaseUnreachable(wrapped(new SQLNonTransientConnectionException("refused", "08000"))));
        assertTrue(ReportApplication.databaseUnreachable(wrapped(new SQLTransientConnectionException("pool timed out"))));
        assertTrue(ReportApplication.databaseUnreachable(wrapped(new SQLTimeoutException("query timed out"))));
        assertTrue(ReportApplication.databaseUnreachable(wrapped(new SQLException("Cannot get a connection, pool error",
                new java.util.NoSuchElementException("Timeout waiting for idle object")))));
        // however deep the driver's exception sits
        assertTrue(ReportApplication.databaseUnreachable(new IllegalStateException(
                new RuntimeException(new SQLNonTransientConnectionException("socket closed")))));
    }

    @Test
    void aFaultOfOneScanOnlySkipsIt() {
        assertFalse(ReportApplication.databaseUnreachable(wrapped(new SQLDataException("Data too long", "22001"))));
        assertFalse(ReportApplication.databaseUnreachable(wrapped(new SQLIntegrityConstraintViolationException("dup"))));
        assertFalse(ReportApplication.databaseUnreachable(wrapped(new SQLTransactionRollbackException("deadlock"))));
        assertFalse(ReportApplication.databaseUnreachable(new IllegalStateException("a fault of this server")));
        assertFalse(ReportApplication.databaseUnreachable(new SQLException("plain")));
    }
}
