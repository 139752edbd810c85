package dev.accesspass.store;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Shares equal values between sessions so that a million sessions from a few dozen browsers keep a few dozen
 * user-agent strings, not a million. Bounded: once {@code capacity} values are held, new ones are returned as they
 * are (kept unshared), so hostile distinct values cost what they would cost anyway and never grow this map.
 * Thread-safe.
 */
final class Interner {
    private final ConcurrentHashMap<Object, Object> values = new ConcurrentHashMap<>();
    private final int capacity;

    Interner(int capacity) {
        this.capacity = capacity;
    }

    @SuppressWarnings("unchecked")
    <T> T intern(T value) {
        if (value == null) {
            return null;
        }
        Object shared = values.get(value);
        if (shared != null) {
            return (T) shared;
        }
        if (values.size() >= capacity) {
            return value;
        }
        Object raced = values.putIfAbsent(value, value);
        return raced == null ? value : (T) raced;
    }

    /**
     * A canonical dotted-quad IPv4 literal ({@code 0}–{@code 255}, no leading zeros) as an int, else -1 (which is
     * also 255.255.255.255: callers that care check that literal apart). No name resolution, ever.
     */
    static int ipv4(String address) {
        if (address == null || address.length() < 7 || address.length() > 15) {
            return -1;
        }
        int value = 0;
        int parts = 0;
        int i = 0;
        while (i <= address.length()) {
            int start = i;
            int part = 0;
            while (i < address.length() && address.charAt(i) != '.') {
                char c = address.charAt(i);
                if (c < '0' || c > '9' || i - start >= 3) {
                    return -1;
                }
                part = part * 10 + (c - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || part > 255 || (digits > 1 && address.charAt(start) == '0')) {
                return -1;
            }
            value = value << 8 | part;
            parts++;
            i++; // past the dot (or the end)
            if (parts == 4) {
                return i == address.length() + 1 ? value : -1;
            }
        }
        return -1;
    }

    static String ipv4Text(int value) {
        return (value >>> 24) + "." + (value >>> 16 & 0xFF) + "." + (value >>> 8 & 0xFF) + "." + (value & 0xFF);
    }
}
