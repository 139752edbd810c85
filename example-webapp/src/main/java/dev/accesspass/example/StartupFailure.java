package dev.accesspass.example;

/**
 * The one line to print when the app cannot start. AccessPass's own configuration errors already name the key and
 * the reason ({@code login-max-attempts: must be between 1 and 100}); they arrive wrapped by the servlet container
 * (a {@code ServletException} from the filter's {@code init}, inside Jetty's start-up failure), so the reason is the
 * innermost message that names a key, else the innermost message at all.
 */
final class StartupFailure {
    private static final String FILTER_PREFIX = "AccessPass configuration: ";

    private StartupFailure() {
    }

    static String reason(Throwable failure) {
        String innermost = null;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message == null || message.isBlank()) {
                continue;
            }
            if (message.startsWith(FILTER_PREFIX)) {
                return message.substring(FILTER_PREFIX.length());
            }
            if (t instanceof IllegalArgumentException) {
                return message;
            }
            innermost = message;
        }
        return innermost != null ? innermost : failure.getClass().getName();
    }
}
