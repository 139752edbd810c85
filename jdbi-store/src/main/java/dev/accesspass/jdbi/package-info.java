/** The {@code store=jdbc} stores: PostgreSQL through JDBI and a HikariCP pool, shared by many instances. */
package dev.accesspass.jdbi;
