package dev.accesspass;

import dev.accesspass.event.SecurityEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The breached-password check ({@code breached-password-check=on}): the k-anonymity range API of Pwned Passwords.
 * Only the first 5 hex characters of the password's SHA-1 leave the process; the answer lists the suffixes that
 * share them ({@code SUFFIX:COUNT}), padded with decoys of count 0 ({@code Add-Padding: true}), and the suffix is
 * compared here, in time independent of where (or whether) it matches. Nothing is cached: a cache would keep a
 * function of the password. Thread-safe.
 *
 * <p>When the API cannot be asked (down, slow past the 1 s timeouts, an error status), the check fails open: the
 * password passes, one warning is logged and a security event raised, because a registration or password change
 * must not break because a third party is down.
 */
final class BreachedPasswords {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(BreachedPasswords.class);

    private final URI base;
    private final SecurityLog security;
    private final HttpClient client;

    BreachedPasswords(URI base, SecurityLog security) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text : text + "/");
        this.security = security;
        // Never follow redirects: the prefix goes to the configured host only.
        this.client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Whether the range API lists the password; false when it does not, or cannot be asked. */
    boolean isBreached(String password, String clientAddress) {
        String hex = HexFormat.of().withUpperCase().formatHex(sha1(password));
        String prefix = hex.substring(0, 5);
        byte[] suffix = hex.substring(5).getBytes(StandardCharsets.US_ASCII);
        String body;
        try {
            HttpRequest request = HttpRequest.newBuilder(base.resolve(prefix)).timeout(READ_TIMEOUT)
                    .header("Add-Padding", "true").header("User-Agent", "AccessPass").GET().build();
            CompletableFuture<HttpResponse<String>> pending =
                    client.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.US_ASCII));
            HttpResponse<String> response;
            try {
                // The request timeout ends at the headers; this bounds a body that trickles in too.
                response = pending.get(CONNECT_TIMEOUT.plus(READ_TIMEOUT).toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                pending.cancel(true);
            }
            if (response.statusCode() != 200) {
                return unavailable("status " + response.statusCode(), clientAddress);
            }
            body = response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable("interrupted", clientAddress);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            return unavailable(cause.getClass().getSimpleName(), clientAddress);
        }
        return listed(body, suffix);
    }

    /** Scans every line and compares each suffix in constant time, so the timing says nothing about a match. */
    static boolean listed(String body, byte[] suffix) {
        boolean found = false;
        for (String line : body.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            byte[] candidate = line.substring(0, colon).trim().toUpperCase(java.util.Locale.ROOT)
                    .getBytes(StandardCharsets.US_ASCII);
            boolean same = MessageDigest.isEqual(candidate, suffix);
            // Padding lines have count 0: they are decoys, not breached passwords.
            found |= same & !isZero(line.substring(colon + 1).trim());
        }
        return found;
    }

    private static boolean isZero(String count) {
        return count.chars().allMatch(c -> c == '0');
    }

    private boolean unavailable(String why, String clientAddress) {
        LOG.warn("breached-password check skipped: {} did not answer ({}); the password was accepted",
                base.getHost(), why);
        security.emit(SecurityEvent.Type.BREACHED_PASSWORD_CHECK_UNAVAILABLE, null, null, clientAddress,
                Map.of("reason", why));
        return false;
    }

    private static byte[] sha1(String password) {
        try {
            // SHA-1 only because the range API is keyed by it; the password is never stored this way.
            return MessageDigest.getInstance("SHA-1").digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}
