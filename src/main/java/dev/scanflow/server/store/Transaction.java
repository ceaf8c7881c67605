package dev.scanflow.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Predicate;
import javax.sql.DataSource;

/** One multi-row write, all of it or none of it: the one way ScanFlow's writers open a transaction. */
public final class Transaction {

    /** The work done on the transaction's connection. */
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private Transaction() {
    }

    /**
     * Runs {@code work} in a transaction and commits when {@code keep} accepts its result, else rolls back
     * (a resent report or scan: nothing to write). Any exception rolls back and is rethrown.
     */
    public static <T> T run(DataSource dataSource, Work<T> work, Predicate<T> keep) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                if (keep.test(result)) {
                    connection.commit();
                } else {
                    connection.rollback();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }
}
