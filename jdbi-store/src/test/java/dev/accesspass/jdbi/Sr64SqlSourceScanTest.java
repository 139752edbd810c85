package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * SR-64: all SQL of this module uses bound parameters. Scans the main sources: a string literal (or text block)
 * holding SQL may be joined with {@code +} only to another literal or to an UPPER_CASE constant, never to a
 * variable or method call that could carry input.
 */
class Sr64SqlSourceScanTest {
    private static final Pattern LITERAL = Pattern.compile("\"\"\"[\\s\\S]*?\"\"\"|\"(?:[^\"\\\\\\n]|\\\\.)*\"");
    private static final Pattern SQL = Pattern.compile(
            "\\b(SELECT|INSERT|UPDATE|DELETE|WHERE|LISTEN|NOTIFY|TRUNCATE|VALUES|FROM)\\b");
    private static final Pattern AFTER_PLUS = Pattern.compile("^\\s*\\+\\s*([A-Za-z_\"][A-Za-z0-9_.]*)");
    private static final Pattern BEFORE_PLUS = Pattern.compile("([A-Za-z0-9_.)\"]+)\\s*\\+\\s*$");
    private static final Pattern CONSTANT = Pattern.compile("\"|[A-Z][A-Z0-9_]*");

    @Test
    void sr64_noSqlIsConcatenatedWithAVariable() throws IOException {
        List<String> offences = new ArrayList<>();
        int sqlLiterals = 0;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                List<String> found = offences(source);
                found.forEach(offence -> offences.add(file.getFileName() + ": " + offence));
                sqlLiterals += countSql(source);
            }
        }
        assertThat(sqlLiterals).as("SQL literals found (the scan sees the sources)").isGreaterThan(20);
        assertThat(offences).isEmpty();
    }

    @Test
    void scannerCatchesConcatenatedInput() {
        assertThat(offences("String sql = \"SELECT * FROM t WHERE name = '\" + name + \"'\";")).isNotEmpty();
        assertThat(offences("h.createQuery(\"\"\"\n SELECT 1 FROM t WHERE a = \"\"\" + value);")).isNotEmpty();
        assertThat(offences("h.createQuery(BASE + \"WHERE id = :id\").bind(\"id\", id);")).isEmpty();
        assertThat(offences("String m = \"hello \" + name;")).isEmpty();
    }

    private static int countSql(String source) {
        int count = 0;
        Matcher literal = LITERAL.matcher(source);
        while (literal.find()) {
            if (SQL.matcher(literal.group()).find()) {
                count++;
            }
        }
        return count;
    }

    private static List<String> offences(String source) {
        List<String> offences = new ArrayList<>();
        Matcher literal = LITERAL.matcher(source);
        while (literal.find()) {
            if (!SQL.matcher(literal.group()).find()) {
                continue;
            }
            Matcher after = AFTER_PLUS.matcher(source.substring(literal.end()));
            if (after.find() && !CONSTANT.matcher(after.group(1)).lookingAt()) {
                offences.add(literal.group().strip() + " + " + after.group(1));
            }
            if (after.find(0) && after.group(1).matches("[A-Z][A-Z0-9_]*\\(.*")) {
                offences.add(literal.group().strip() + " + " + after.group(1));
            }
            Matcher before = BEFORE_PLUS.matcher(source.substring(Math.max(0, literal.start() - 80),
                    literal.start()));
            if (before.find()) {
                String operand = before.group(1);
                if (!operand.endsWith("\"") && !operand.matches("[A-Z][A-Z0-9_]*")) {
                    offences.add(operand + " + " + literal.group().strip());
                }
            }
        }
        return offences;
    }
}
