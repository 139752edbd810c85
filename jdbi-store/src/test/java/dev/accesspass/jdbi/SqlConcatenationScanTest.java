package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.testing.SourceTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * SR-64: all SQL of the build uses bound parameters. Scans the main sources of every module with
 * {@link SqlConcatenationScanner}, and checks the scanner itself on fixtures: {@code sql-scan/concatenated-sql.txt}
 * holds one snippet per way of building SQL from input (each must be reported) and {@code sql-scan/bound-sql.txt}
 * the forms the stores use (none may be).
 */
class SqlConcatenationScanTest {

    @Test
    @DisplayName("SR-64: no main source of any module builds SQL from a variable")
    void sr64_noSqlIsBuiltFromAVariableInAnyModule() {
        Map<String, List<Path>> modules = SourceTree.mainSources();
        assertThat(modules.keySet()).as("modules scanned").contains("core", "filter", "jdbi-store", "example-webapp");
        List<String> offences = new ArrayList<>();
        int sqlLiterals = 0;
        for (List<Path> sources : modules.values()) {
            for (Path source : sources) {
                String code = SourceTree.read(source);
                SqlConcatenationScanner.offences(code)
                        .forEach(offence -> offences.add(SourceTree.relative(source) + ": " + offence));
                sqlLiterals += SqlConcatenationScanner.sqlLiterals(code);
            }
        }
        assertThat(sqlLiterals).as("SQL literals found (the scan sees the sources)").isGreaterThan(20);
        assertThat(offences).isEmpty();
    }

    @Test
    @DisplayName("SR-64: the scanner reports every probe form of concatenated SQL")
    void sr64_scannerReportsEveryConcatenatedForm() throws IOException {
        Map<String, String> snippets = snippets("sql-scan/concatenated-sql.txt");
        assertThat(snippets).hasSizeGreaterThanOrEqualTo(20);
        List<String> missed = new ArrayList<>();
        snippets.forEach((name, code) -> {
            if (SqlConcatenationScanner.offences(code).isEmpty()) {
                missed.add(name);
            }
        });
        assertThat(missed).as("probe forms the scanner missed").isEmpty();
    }

    @Test
    @DisplayName("SR-64: the scanner accepts bound parameters and constant text")
    void sr64_scannerAcceptsBoundParameters() throws IOException {
        Map<String, String> snippets = snippets("sql-scan/bound-sql.txt");
        assertThat(snippets).hasSizeGreaterThanOrEqualTo(8);
        Map<String, List<String>> reported = new LinkedHashMap<>();
        snippets.forEach((name, code) -> {
            List<String> offences = SqlConcatenationScanner.offences(code);
            if (!offences.isEmpty()) {
                reported.put(name, offences);
            }
        });
        assertThat(reported).as("good forms the scanner reported").isEmpty();
    }

    /** The snippets of a fixture, each after a {@code // --- name} line, by name. */
    private static Map<String, String> snippets(String resource) throws IOException {
        String text;
        try (InputStream in = SqlConcatenationScanTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> snippets = new LinkedHashMap<>();
        String name = null;
        StringBuilder code = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("// --- ")) {
                if (name != null) {
                    snippets.put(name, code.toString());
                }
                name = line.substring("// --- ".length());
                code.setLength(0);
            } else if (name != null) {
                code.append(line).append('\n');
            }
        }
        if (name != null) {
            snippets.put(name, code.toString());
        }
        return snippets;
    }
}
