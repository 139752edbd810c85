/**
 * The Spring Boot starter: {@link dev.accesspass.spring.AccessPassAutoConfiguration} and what it registers.
 */
package dev.accesspass.spring;
