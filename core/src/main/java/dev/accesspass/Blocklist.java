package dev.accesspass;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * The bundled list of common passwords (SR-25): lower-cased entries sorted by their UTF-8 bytes, kept as one byte
 * array and the start of each entry, and searched by bisection. That is about a fifth of the heap a hash set of
 * strings would take for the same list. Made by {@code core/src/build/make-blocklist.sh}. Immutable, thread-safe.
 */
final class Blocklist {
    static final String RESOURCE = "common-passwords.txt.gz";

    private final byte[] entries;
    /** The start of every entry in {@link #entries}, plus one past the end. */
    private final int[] starts;

    private Blocklist(byte[] entries, int[] starts) {
        this.entries = entries;
        this.starts = starts;
    }

    /** Loads the bundled list; fails loudly when it is missing, since the policy would silently weaken. */
    static Blocklist bundled() {
        try (InputStream raw = Blocklist.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            return parse(new GZIPInputStream(raw).readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** From newline-separated, already sorted, lower-cased entries. */
    static Blocklist parse(byte[] text) {
        ByteArrayOutputStream packed = new ByteArrayOutputStream(text.length);
        int[] starts = new int[1024];
        int count = 0;
        int lineStart = 0;
        for (int i = 0; i <= text.length; i++) {
            if (i == text.length || text[i] == '\n') {
                int end = i > lineStart && text[i - 1] == '\r' ? i - 1 : i;
                if (end > lineStart) {
                    if (count + 1 >= starts.length) {
                        starts = Arrays.copyOf(starts, starts.length * 2);
                    }
                    starts[count++] = packed.size();
                    packed.write(text, lineStart, end - lineStart);
                }
                lineStart = i + 1;
            }
        }
        starts[count] = packed.size();
        return new Blocklist(packed.toByteArray(), Arrays.copyOf(starts, count + 1));
    }

    int size() {
        return starts.length - 1;
    }

    /** Whether the lower-cased password is on the list, as a whole. */
    boolean contains(String lowerCased) {
        byte[] key = lowerCased.getBytes(StandardCharsets.UTF_8);
        int low = 0;
        int high = size() - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            int order = Arrays.compareUnsigned(entries, starts[middle], starts[middle + 1], key, 0, key.length);
            if (order < 0) {
                low = middle + 1;
            } else if (order > 0) {
                high = middle - 1;
            } else {
                return true;
            }
        }
        return false;
    }
}
