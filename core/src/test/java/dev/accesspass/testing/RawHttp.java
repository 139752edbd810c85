package dev.accesspass.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what {@link java.net.http.HttpClient} will not send: request targets exactly as
 * written ({@code /api/./hello}, {@code /api/%2e/hello}), repeated headers, {@code TRACE}, and requests from another
 * loopback source address (127.0.0.2, ...) so tests can play several clients. Each call uses a fresh connection
 * with {@code Connection: close}. Thread-safe.
 */
public final class RawHttp {
    private final int port;

    public RawHttp(int port) {
        this.port = port;
    }

    /**
     * Sends {@code method target} with the given header lines (each {@code "Name: value"}, repeats allowed) and an
     * optional body, from the loopback source address {@code from} (e.g. {@code "127.0.0.2"}; null for the default).
     * A {@code Host} or {@code Content-Length} line among {@code headerLines} replaces the one this client would
     * write ({@code 127.0.0.1:<port>}, the body's length), so a test can send a foreign host or declare a length
     * other than the body's.
     */
    public Http.Reply send(String from, String method, String target, List<String> headerLines, byte[] body) {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        if (!hasHeader(headerLines, "Host")) {
            head.append("Host: 127.0.0.1:").append(port).append("\r\n");
        }
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        if (body != null && !hasHeader(headerLines, "Content-Length")) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        try (Socket socket = from == null ? new Socket(InetAddress.getLoopbackAddress(), port)
                : new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(from), 0)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                try {
                    out.write(body);
                    out.flush();
                } catch (IOException closedEarly) {
                    // The server answered (e.g. 413) and closed before taking the whole body; read its answer.
                }
            } else {
                out.flush();
            }
            return parse(socket.getInputStream().readAllBytes(), method);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + target + " failed", e);
        }
    }

    /** A JSON POST from the loopback address {@code from}, with extra header lines. */
    public Http.Reply postJson(String from, String path, String json, String... headerLines) {
        List<String> headers = new ArrayList<>(List.of("Content-Type: application/json"));
        headers.addAll(List.of(headerLines));
        return send(from, "POST", path, headers, json.getBytes(StandardCharsets.UTF_8));
    }

    /** A login from the loopback address {@code from}. */
    public Http.Reply login(String from, String username, String password, String... headerLines) {
        return postJson(from, "/auth/login", Http.json("username", username, "password", password), headerLines);
    }

    private static boolean hasHeader(List<String> headerLines, String name) {
        return headerLines.stream().anyMatch(line -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1));
    }

    private static Http.Reply parse(byte[] raw, String method) {
        int headerEnd = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        if (headerEnd < 0) {
            throw new IllegalStateException("no complete response head: " + new String(raw, StandardCharsets.ISO_8859_1));
        }
        String[] lines = new String(raw, 0, headerEnd, StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, headerEnd + 4, raw.length);
        boolean chunked = headers.entrySet().stream().anyMatch(e -> e.getKey().equalsIgnoreCase("Transfer-Encoding")
                && e.getValue().stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked")));
        if (chunked && !method.equals("HEAD")) {
            body = dechunk(body);
        }
        return new Http.Reply(status, headers, body);
    }

    private static byte[] dechunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < body.length) {
            int lineEnd = indexOf(body, at, "\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String sizeText = new String(body, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int size = Integer.parseInt(sizeText, 16);
            if (size == 0) {
                break;
            }
            out.write(body, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        return indexOf(data, 0, pattern);
    }

    private static int indexOf(byte[] data, int from, byte[] pattern) {
        outer:
        for (int i = from; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

}
