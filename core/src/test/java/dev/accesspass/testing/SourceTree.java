package dev.accesspass.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The main Java sources of every module of the build, for source-scanning tests (SR-01 randomness, SR-64 SQL). The
 * modules come from the parent {@code pom.xml}, found by walking up from the module a test runs in, so a new module
 * is scanned without anyone remembering to add it.
 */
public final class SourceTree {
    private static final Pattern MODULE = Pattern.compile("<module>\\s*([^<\\s]+)\\s*</module>");

    private SourceTree() {
    }

    /** The directory of the parent pom (the one that lists {@code <modules>}). */
    public static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(pom) && read(pom).contains("<modules>")) {
                return dir;
            }
        }
        throw new IllegalStateException("no parent pom.xml with <modules> above " + Path.of("").toAbsolutePath());
    }

    /** The module names the parent pom lists, in its order. */
    public static List<String> modules() {
        List<String> modules = new ArrayList<>();
        Matcher module = MODULE.matcher(read(root().resolve("pom.xml")));
        while (module.find()) {
            modules.add(module.group(1));
        }
        return modules;
    }

    /** For each module with a {@code src/main/java}, its {@code .java} files, sorted. */
    public static Map<String, List<Path>> mainSources() {
        Map<String, List<Path>> sources = new LinkedHashMap<>();
        for (String module : modules()) {
            Path main = root().resolve(module).resolve("src/main/java");
            if (!Files.isDirectory(main)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(main)) {
                sources.put(module, files.filter(path -> path.toString().endsWith(".java")).sorted().toList());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sources;
    }

    /** A source file's path relative to the build root, e.g. {@code core/src/main/java/dev/accesspass/Secrets.java}. */
    public static String relative(Path source) {
        return root().relativize(source.toAbsolutePath()).toString().replace('\\', '/');
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Drops line and block comments, keeping string and char literals intact (text blocks are strings too), so
     * javadoc that names a forbidden call does not trip a scan and a {@code //} inside a string is not a comment.
     */
    public static String withoutComments(String code) {
        StringBuilder out = new StringBuilder(code.length());
        int i = 0;
        while (i < code.length()) {
            char c = code.charAt(i);
            char next = i + 1 < code.length() ? code.charAt(i + 1) : '\0';
            if (c == '/' && next == '/') {
                while (i < code.length() && code.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && next == '*') {
                int end = code.indexOf("*/", i + 2);
                i = end < 0 ? code.length() : end + 2;
                out.append(' ');
            } else if (c == '"' && code.startsWith("\"\"\"", i)) {
                int end = code.indexOf("\"\"\"", i + 3);
                int stop = end < 0 ? code.length() : end + 3;
                out.append(code, i, stop);
                i = stop;
            } else if (c == '"' || c == '\'') {
                int start = i++;
                while (i < code.length() && code.charAt(i) != c) {
                    i += code.charAt(i) == '\\' ? 2 : 1;
                }
                i = Math.min(i + 1, code.length());
                out.append(code, start, i);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
