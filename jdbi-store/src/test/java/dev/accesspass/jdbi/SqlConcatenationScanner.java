package dev.accesspass.jdbi;

import dev.accesspass.testing.SourceTree;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SR-64's source check: finds SQL text that is built from something other than literals and this file's own
 * literal constants. A string literal (or text block) holds SQL when it has an upper-case SQL keyword; it is an
 * offence when it is joined with {@code +} to anything but another literal or a {@code static final} constant
 * initialised with a literal in the same file, when {@code .formatted}, {@code .concat} or {@code .replace} is called
 * on it, when it is an argument of {@code String.format}, {@code concat}, {@code join}, {@code append},
 * {@code insert} or {@code new StringBuilder}, or when a variable assigned SQL is later extended ({@code +=},
 * {@code + x}, {@code .concat}, {@code .formatted}). Comments are ignored.
 */
final class SqlConcatenationScanner {
    private static final Pattern LITERAL = Pattern.compile("\"\"\"[\\s\\S]*?\"\"\"|\"(?:[^\"\\\\\\n]|\\\\.)*\"");
    private static final Pattern SQL = Pattern.compile("\\b(SELECT|INSERT|UPDATE|DELETE|WHERE|LISTEN|NOTIFY|TRUNCATE"
            + "|VALUES|FROM|AND|OR|SET|JOIN|LIMIT|RETURNING|ORDER BY|GROUP BY|IN \\()");
    private static final Pattern CONSTANT = Pattern.compile("\\bstatic\\s+final\\s+(?:String|int|long)\\s+"
            + "([A-Z][A-Z0-9_]*)\\s*=\\s*(\"\"\"[\\s\\S]*?\"\"\"|\"(?:[^\"\\\\\\n]|\\\\.)*\"|[0-9][0-9_]*L?)\\s*;");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
    private static final Pattern ASSIGNED = Pattern.compile("([A-Za-z_$][A-Za-z0-9_$]*)\\s*=\\s*$");
    private static final Set<String> BUILDING_METHODS = Set.of("formatted", "concat", "replace", "replaceAll",
            "replaceFirst");
    private static final Set<String> BUILDING_CALLS = Set.of("format", "formatted", "concat", "join", "append",
            "insert", "StringBuilder", "StringBuffer", "StringJoiner", "replace", "replaceAll", "replaceFirst");

    private SqlConcatenationScanner() {
    }

    /** How many literals of {@code source} hold SQL. */
    static int sqlLiterals(String source) {
        int count = 0;
        Matcher literal = LITERAL.matcher(SourceTree.withoutComments(source));
        while (literal.find()) {
            if (SQL.matcher(literal.group()).find()) {
                count++;
            }
        }
        return count;
    }

    /** The places where {@code source} builds SQL from something that could carry input; empty when none. */
    static List<String> offences(String source) {
        String code = SourceTree.withoutComments(source);
        Set<String> constants = new HashSet<>();
        Matcher constant = CONSTANT.matcher(code);
        while (constant.find()) {
            constants.add(constant.group(1));
        }
        List<String> offences = new ArrayList<>();
        Set<String> sqlVariables = new HashSet<>();
        Matcher literal = LITERAL.matcher(code);
        while (literal.find()) {
            String text = literal.group();
            if (!SQL.matcher(text).find()) {
                continue;
            }
            String shown = shorten(text);
            forward(code, literal.end(), constants, shown, offences);
            backward(code, literal.start(), constants, shown, offences);
            String call = enclosingCall(code, literal.start());
            if (call != null && BUILDING_CALLS.contains(call)) {
                offences.add(call + "(... " + shown + " ...)");
            }
            Matcher assigned = ASSIGNED.matcher(code.substring(Math.max(0, literal.start() - 80), literal.start()));
            if (assigned.find()) {
                sqlVariables.add(assigned.group(1));
            }
        }
        for (String variable : sqlVariables) {
            Matcher extended = Pattern.compile("(?<![A-Za-z0-9_$.])" + Pattern.quote(variable)
                    + "\\s*(\\+=|\\+\\s*(?!\")([A-Za-z_$][A-Za-z0-9_$.]*)|\\.\\s*(concat|formatted)\\s*\\()")
                    .matcher(code);
            while (extended.find()) {
                String operand = extended.group(2);
                if (operand == null || !constants.contains(operand)) {
                    offences.add("SQL variable " + variable + " extended: " + extended.group().strip());
                }
            }
        }
        return offences;
    }

    /** Follows {@code + operand} chains after a SQL literal, and method calls on it. */
    private static void forward(String code, int from, Set<String> constants, String shown, List<String> offences) {
        int at = skipSpace(code, from);
        while (at < code.length()) {
            char c = code.charAt(at);
            if (c == '.') {
                Matcher method = IDENTIFIER.matcher(code).region(skipSpace(code, at + 1), code.length());
                if (method.lookingAt() && BUILDING_METHODS.contains(method.group())) {
                    offences.add(shown + "." + method.group() + "(...)");
                }
                return;
            }
            if (c != '+' || (at + 1 < code.length() && (code.charAt(at + 1) == '=' || code.charAt(at + 1) == '+'))) {
                return;
            }
            int operandStart = skipSpace(code, at + 1);
            Matcher next = LITERAL.matcher(code).region(operandStart, code.length());
            if (next.lookingAt()) {
                at = skipSpace(code, next.end());
                continue;
            }
            Matcher name = IDENTIFIER.matcher(code).region(operandStart, code.length());
            if (name.lookingAt() && constants.contains(name.group())) {
                int after = skipSpace(code, name.end());
                if (after >= code.length() || (code.charAt(after) != '(' && code.charAt(after) != '.'
                        && code.charAt(after) != '[')) {
                    at = after;
                    continue;
                }
            }
            offences.add(shown + " + " + operand(code, operandStart));
            return;
        }
    }

    /** Follows {@code operand +} chains before a SQL literal. */
    private static void backward(String code, int to, Set<String> constants, String shown, List<String> offences) {
        int at = skipSpaceBack(code, to);
        while (at > 0 && code.charAt(at - 1) == '+') {
            if (at > 1 && code.charAt(at - 2) == '+') {
                return;
            }
            int end = skipSpaceBack(code, at - 1);
            if (end > 0 && code.charAt(end - 1) == '"') {
                int start = literalStartBefore(code, end);
                if (start < 0) {
                    offences.add("? + " + shown);
                    return;
                }
                at = skipSpaceBack(code, start);
                continue;
            }
            int start = end;
            while (start > 0 && (Character.isJavaIdentifierPart(code.charAt(start - 1)) || code.charAt(start - 1) == '.')) {
                start--;
            }
            String name = code.substring(start, end);
            if (constants.contains(name)) {
                at = skipSpaceBack(code, start);
                continue;
            }
            offences.add((name.isEmpty() ? code.substring(Math.max(0, end - 20), end).strip() : name) + " + " + shown);
            return;
        }
    }

    /** The name of the call whose argument list holds {@code position}, or null outside any call. */
    private static String enclosingCall(String code, int position) {
        int depth = 0;
        for (int i = position - 1; i >= 0; i--) {
            char c = code.charAt(i);
            if (c == ')') {
                depth++;
            } else if (c == '(') {
                if (depth == 0) {
                    int end = skipSpaceBack(code, i);
                    int start = end;
                    while (start > 0 && Character.isJavaIdentifierPart(code.charAt(start - 1))) {
                        start--;
                    }
                    return start == end ? null : code.substring(start, end);
                }
                depth--;
            } else if (c == ';' || c == '{' || c == '}') {
                return null;
            }
        }
        return null;
    }

    private static int literalStartBefore(String code, int end) {
        Matcher literal = LITERAL.matcher(code);
        int start = -1;
        while (literal.find()) {
            if (literal.end() == end) {
                return literal.start();
            }
            if (literal.start() >= end) {
                break;
            }
        }
        return start;
    }

    private static String operand(String code, int start) {
        int end = Math.min(code.length(), start + 40);
        int newline = code.indexOf('\n', start);
        return code.substring(start, newline >= 0 && newline < end ? newline : end).strip();
    }

    private static int skipSpace(String code, int at) {
        while (at < code.length() && Character.isWhitespace(code.charAt(at))) {
            at++;
        }
        return at;
    }

    private static int skipSpaceBack(String code, int at) {
        while (at > 0 && Character.isWhitespace(code.charAt(at - 1))) {
            at--;
        }
        return at;
    }

    private static String shorten(String literal) {
        String flat = literal.replaceAll("\\s+", " ").strip();
        return flat.length() > 60 ? flat.substring(0, 57) + "...\"" : flat;
    }
}
