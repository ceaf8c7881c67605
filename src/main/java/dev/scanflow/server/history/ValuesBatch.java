package dev.scanflow.server.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Rows written as multi-row statements ({@code INSERT … VALUES (…), (…), … [ON DUPLICATE KEY UPDATE …]}), a few
 * hundred rows per statement. For upserts of rows that mostly exist, this cost a third to a fifth of the time
 * per row of the same statement sent once per row, even as one bulk command (measured on MariaDB 10.11 with a
 * million-row table, 2026-12-01); why MariaDB's per-row path costs that much more was not established.
 */
final class ValuesBatch implements AutoCloseable {

    /** Binds one row's parameters, the first at {@code first}. */
    @FunctionalInterface
    interface Row {
        void bind(PreparedStatement statement, int first) throws SQLException;
    }

    static final int ROWS_PER_STATEMENT = 500;

    private final Connection connection;
    private final String head;
    private final String row;
    private final int parametersPerRow;
    private final String tail;
    private final Row tailValues;
    private final List<Row> pending = new ArrayList<>(ROWS_PER_STATEMENT);
    private PreparedStatement full;

    /**
     * @param head "INSERT INTO t (a, b, c) VALUES "
     * @param row  "(?, ?, 'open')": one row, with {@code parametersPerRow} parameters
     * @param tail "" or " ON DUPLICATE KEY UPDATE …" without parameters (it may use VALUES(column))
     */
    ValuesBatch(Connection connection, String head, String row, int parametersPerRow, String tail) {
        this(connection, head, row, parametersPerRow, tail, null);
        if (tail.indexOf('?') >= 0) {
            throw new IllegalArgumentException("the tail's parameters need a binder: " + tail);
        }
    }

    /**
     * @param tail       " ON DUPLICATE KEY UPDATE …" whose parameters are the same for every row (values of the whole
     *                   batch, such as the scan's), bound once per statement after the rows' by {@code tailValues}
     * @param tailValues binds the tail's parameters, the first at the index it is given
     */
    ValuesBatch(Connection connection, String head, String row, int parametersPerRow, String tail, Row tailValues) {
        this.connection = connection;
        this.head = head;
        this.row = row;
        this.parametersPerRow = parametersPerRow;
        this.tail = tail;
        this.tailValues = tailValues;
    }

    void add(Row values) throws SQLException {
        pending.add(values);
        if (pending.size() == ROWS_PER_STATEMENT) {
            flush();
        }
    }

    void flush() throws SQLException {
        if (pending.isEmpty()) {
            return;
        }
        if (pending.size() == ROWS_PER_STATEMENT) {
            if (full == null) {
                full = connection.prepareStatement(sql(ROWS_PER_STATEMENT));
            }
            execute(full);
        } else {
            try (PreparedStatement rest = connection.prepareStatement(sql(pending.size()))) {
                execute(rest);
            }
        }
        pending.clear();
    }

    private void execute(PreparedStatement statement) throws SQLException {
        for (int i = 0; i < pending.size(); i++) {
            pending.get(i).bind(statement, 1 + i * parametersPerRow);
        }
        if (tailValues != null) {
            tailValues.bind(statement, 1 + pending.size() * parametersPerRow);
        }
        statement.executeUpdate();
    }

    private String sql(int rows) {
        return head + String.join(", ", Collections.nCopies(rows, row)) + tail;
    }

    @Override
    public void close() throws SQLException {
        if (full != null) {
            full.close();
        }
    }
}
