package dev.accesspass.containers;

import dev.accesspass.AccessPass;
import dev.accesspass.testing.Http;

/** A started web application with {@code AccessPassFilter} in front of it. Closing stops the container. */
interface Deployment extends AutoCloseable {
    /** {@code http://127.0.0.1:<port>} */
    String baseUrl();

    /** The instance the filter serves, read from the servlet-context attribute the filter sets. */
    AccessPass accessPass();

    default Http http() {
        return new Http(baseUrl());
    }

    @Override
    void close() throws Exception;
}
