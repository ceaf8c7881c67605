package dev.scanflow.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Loads the phpIPAM 1.8.2-compatible schema fixture (phpipam/schema.sql) into an empty database. */
public final class PhpipamSchema {

    private static final String RESOURCE = "/phpipam/schema.sql";

    private PhpipamSchema() {
    }

    public static void load(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements()) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("loading the phpIPAM schema: " + e.getMessage(), e);
        }
    }

    /** The file's statements: each ends with ';' at a line end; whole-line '--' comments are dropped. */
    static List<String> statements() {
        String text;
        try (InputStream in = PhpipamSchema.class.getResourceAsStream(RESOURCE)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.strip().startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (line.stripTrailing().endsWith(";")) {
                String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        return statements;
    }
}
