package dev.accesspass.servlet;

import dev.accesspass.AccessPassException;
import dev.accesspass.ErrorCode;
import dev.accesspass.MfaRequiredException;
import dev.accesspass.StepUpRequiredException;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes errors as RFC 9457 {@code application/problem+json} (SR-55):
 * {@code {"type":"about:blank","title":...,"status":...,"code":...,"detail":...}}, plus {@code "errors"} when there
 * are field errors. With {@code about:blank}, {@code title} is the status' reason phrase (RFC 9457 §4.2.1); we use
 * the phrases of RFC 9110, so 413 is "Content Too Large" (RFC 9110 §15.5.14 renamed "Payload Too Large").
 *
 * <p>Every problem also carries {@code Cache-Control: no-store}, {@code Pragma: no-cache} and
 * {@code X-Content-Type-Options: nosniff} (SR-59); {@code Retry-After} on 429 and 503 when the error has a delay
 * (SR-58, SR-65); a {@code Bearer} challenge on every 401 (SR-56) but {@code invalid_client}, which challenges
 * {@code Basic},  and {@code error="insufficient_scope"} on 403
 * {@code insufficient_role} (SR-54); {@code Connection: close} on 413, whose body was left unread.
 *
 * <p>Thread-safety: stateless; safe from any thread, though a response must of course be written by one thread.
 */
final class Problems {
    static final String CONTENT_TYPE = "application/problem+json";

    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    private Problems() {
    }

    /**
     * Writes {@code error} as a problem. The detail is taken from {@link AccessPassException#getMessage()}, which
     * must be client-safe; the cause is never rendered. If the response is already committed nothing is written.
     *
     * <p>Thread-safe.
     *
     * @param realm          the {@code realm} of the {@code WWW-Authenticate} challenge, checked with
     *                       {@link #checkRealm(String)}
     * @param tokenPresented whether the request presented a bearer credential; only then does a 401
     *                       {@code invalid_token} carry {@code error="invalid_token"} (RFC 6750 §3)
     * @throws IllegalArgumentException if {@code realm} fails {@link #checkRealm(String)} (a programming error:
     *         the filter checks its realm at {@code init})
     */
    static void write(HttpServletResponse response, AccessPassException error, String realm, boolean tokenPresented) {
        Objects.requireNonNull(error, "error");
        // RFC 9470: a step-up tells the client how recent an authentication the route wants.
        String stepUp = error instanceof StepUpRequiredException required ? challenge(required) : null;
        Map<String, Object> extensions = Map.of();
        if (error instanceof MfaRequiredException mfa) {
            // RFC 9457 extension members: what the client needs for /mfa/verify (API.md §8).
            extensions = Map.of("mfa_token", mfa.mfaToken(), "mfa_methods", mfa.methods());
        }
        write(response, error.code(), error.getMessage(), error.fieldErrors(), error.retryAfter().orElse(null),
                realm, tokenPresented, stepUp, extensions);
    }

    /** The RFC 9470 parameters: {@code max_age} for a too old authentication, {@code acr_values} for a missing factor. */
    static String challenge(StepUpRequiredException required) {
        StringBuilder params = new StringBuilder("error=\"insufficient_user_authentication\"");
        required.maxAge().ifPresent(age -> params.append(", max_age=").append(age.toSeconds()));
        if (required.mfa()) {
            params.append(", acr_values=\"mfa\"");
        }
        return params.toString();
    }

    /**
     * Writes a problem for {@code code} with {@code detail} and neither field errors nor a retry delay; otherwise as
     * {@link #write(HttpServletResponse, AccessPassException, String, boolean)}.
     */
    static void write(HttpServletResponse response, ErrorCode code, String detail, String realm,
                      boolean tokenPresented) {
        write(response, code, detail, Map.of(), null, realm, tokenPresented, null, Map.of());
    }

    /**
     * Writes 405 {@code method_not_allowed} with an {@code Allow} header listing {@code allowed} (RFC 9110 §15.5.6
     * requires it). If the response is already committed nothing is written.
     *
     * <p>Thread-safe.
     *
     * @throws IllegalArgumentException if {@code allowed} is empty or a method is not an uppercase token
     */
    static void writeMethodNotAllowed(HttpServletResponse response, Set<String> allowed) {
        if (allowed.isEmpty()) {
            throw new IllegalArgumentException("a 405 must allow at least one method");
        }
        for (String method : allowed) {
            if (method.isEmpty() || !method.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
                throw new IllegalArgumentException("not an HTTP method name: " + method);
            }
        }
        if (isCommitted(response, ErrorCode.METHOD_NOT_ALLOWED)) {
            return;
        }
        // Sorted, so the header is the same on every request whatever the set's iteration order.
        response.setHeader("Allow", String.join(", ", new TreeSet<>(allowed)));
        writeBody(response, ErrorCode.METHOD_NOT_ALLOWED, "The method is not allowed for this route.", Map.of(),
                Map.of());
    }

    /**
     * Checks a configured realm before it is ever put into a header: it must be printable ASCII without
     * {@code "} or {@code \}, so it can be sent as a quoted-string without escaping and can never split a header
     * (CR, LF) or end the quoted realm early.
     *
     * <p>Thread-safe.
     *
     * @throws IllegalArgumentException if the realm is null or contains a quote, backslash, control character or
     *         non-ASCII character
     */
    static void checkRealm(String realm) {
        if (realm == null) {
            throw new IllegalArgumentException("realm must not be null");
        }
        for (int i = 0; i < realm.length(); i++) {
            char c = realm.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                throw new IllegalArgumentException("realm must be printable ASCII without quotes or backslashes;"
                        + " it has U+" + String.format("%04X", (int) c) + " at index " + i);
            }
        }
    }

    /** The RFC 9110 reason phrase of {@code status}, used as the problem {@code title}. */
    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> throw new IllegalArgumentException("no title for status " + status);
        };
    }

    /**
     * Whole seconds for {@code Retry-After}, rounded up so a client never retries too early, and at least 1 so
     * that {@code 0} never invites an immediate retry storm.
     */
    static long retryAfterSeconds(Duration delay) {
        long seconds = delay.getSeconds() + (delay.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    private static void write(HttpServletResponse response, ErrorCode code, String detail,
                              Map<String, List<String>> fieldErrors, Duration retryAfter, String realm,
                              boolean tokenPresented, String challengeParams, Map<String, Object> extensions) {
        Objects.requireNonNull(code, "code");
        // Checked even though init already did: a bad realm here would be header injection, not a bad answer.
        checkRealm(realm);
        if (isCommitted(response, code)) {
            return;
        }
        int status = code.status();
        if (retryAfter != null && (status == 429 || status == 503)) {
            response.setHeader("Retry-After", Long.toString(retryAfterSeconds(retryAfter)));
        }
        if (code == ErrorCode.PAYLOAD_TOO_LARGE) {
            // The rest of the body was never read, so the connection cannot carry another request: without this
            // the container closes it silently after the answer and a pooling client reuses a dead connection
            // (RFC 9110 §15.5.14 allows closing). HTTP/2 has no such header; the container must not send it there.
            response.setHeader("Connection", "close");
        }
        if (code == ErrorCode.INVALID_CLIENT) {
            // Introspection clients authenticate with HTTP Basic (RFC 6749 §2.3.1, RFC 7662 §2.1): challenge that.
            response.setHeader("WWW-Authenticate", "Basic realm=\"" + realm + "\", charset=\"UTF-8\"");
        } else if (status == 401) {
            // Every 401 carries a challenge (RFC 9110 §15.5.2), but error="invalid_token" only when a presented
            // token was refused: a wrong current_password must not make clients throw their good token away.
            String challenge = "Bearer realm=\"" + realm + "\"";
            if (tokenPresented && code == ErrorCode.INVALID_TOKEN) {
                challenge += ", error=\"invalid_token\"";
            } else if (challengeParams != null) {
                challenge += ", " + challengeParams;
            }
            response.setHeader("WWW-Authenticate", challenge);
        } else if (code == ErrorCode.INSUFFICIENT_ROLE) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"" + realm + "\", error=\"insufficient_scope\"");
        }
        writeBody(response, code, detail, fieldErrors, extensions);
    }

    /** Escapes every non-ASCII character as a JSON unicode escape; valid because our JSON has them only in strings. */
    private static String asciiOnly(String json) {
        StringBuilder ascii = new StringBuilder(json.length());
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c < 0x80) {
                ascii.append(c);
            } else {
                ascii.append(String.format("\\u%04x", (int) c));
            }
        }
        return ascii.toString();
    }

    private static boolean isCommitted(HttpServletResponse response, ErrorCode code) {
        if (response.isCommitted()) {
            // Status and headers are gone; writing now would corrupt the response already sent.
            LOG.debug("Response already committed; problem {} not written", code.code());
            return true;
        }
        return false;
    }

    private static void writeBody(HttpServletResponse response, ErrorCode code, String detail,
                                  Map<String, List<String>> fieldErrors, Map<String, Object> extensions) {
        int status = code.status();
        String title = title(status);
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status);
        problem.put("code", code.code());
        problem.put("detail", detail == null || detail.isBlank() ? title + "." : detail);
        if (!fieldErrors.isEmpty()) {
            // Sorted for a stable body; AccessPassException keeps its field errors in an unordered map.
            problem.put("errors", new TreeMap<>(fieldErrors));
        }
        new TreeMap<>(extensions).forEach(problem::put);
        byte[] body = Json.write(problem);

        // Drop whatever the application buffered, but keep headers such as Allow or CORS set before us.
        response.resetBuffer();
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentType(CONTENT_TYPE);
        try {
            OutputStream out;
            try {
                out = response.getOutputStream();
            } catch (IllegalStateException writerAlreadyUsed) {
                // The application already called getWriter(), whose charset we can no longer choose: send ASCII,
                // which the usual charsets (ISO-8859-1, UTF-8) encode alike, and let the container frame it.
                PrintWriter writer = response.getWriter();
                writer.write(asciiOnly(new String(body, StandardCharsets.UTF_8)));
                writer.flush();
                return;
            }
            response.setContentLength(body.length);
            out.write(body);
            out.flush();
        } catch (IOException e) {
            // The client went away; there is no one left to answer, and this is not a server fault.
            LOG.debug("Could not write problem {}: {}", code.code(), e.toString());
        }
    }
}
