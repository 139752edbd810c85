package dev.accesspass;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The root of every exception AccessPass throws on purpose. It carries the {@link ErrorCode} the servlet layer
 * answers with, a client-safe detail (never a token, password, hash or SQL), optional field errors for
 * {@link ErrorCode#VALIDATION_FAILED}, and an optional retry delay for 429 and 503 answers.
 */
public class AccessPassException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient Map<String, List<String>> fieldErrors;
    private final transient Duration retryAfter;

    public AccessPassException(ErrorCode code, String detail) {
        this(code, detail, Map.of(), null, null);
    }

    public AccessPassException(ErrorCode code, String detail, Throwable cause) {
        this(code, detail, Map.of(), null, cause);
    }

    protected AccessPassException(ErrorCode code, String detail, Map<String, List<String>> fieldErrors,
                                  Duration retryAfter, Throwable cause) {
        super(detail, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.fieldErrors = Map.copyOf(fieldErrors);
        this.retryAfter = retryAfter;
    }

    /** A validation failure with per-field messages. */
    public static AccessPassException validation(FieldErrors errors) {
        return new AccessPassException(ErrorCode.VALIDATION_FAILED, "The request has invalid fields.",
                errors.asMap(), null, null);
    }

    /** A 429 or 503 answer that tells the client when to try again. */
    public static AccessPassException retryLater(ErrorCode code, String detail, Duration retryAfter) {
        return new AccessPassException(code, detail, Map.of(), retryAfter, null);
    }

    public ErrorCode code() {
        return code;
    }

    /** Field name to messages; empty unless the code is {@link ErrorCode#VALIDATION_FAILED}. */
    public Map<String, List<String>> fieldErrors() {
        return fieldErrors;
    }

    /** How long the client should wait before retrying, for 429 and 503 answers. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
