package io.prometheusrelay.grpcclient;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.prometheusrelay.protocol.remotewrite.LabelMatcher;

/**
 * Parses PromQL-style matchers as users type them: {@code job="node"}, {@code code!="200"},
 * {@code instance=~"10\\..*"}, {@code env!~"dev|test"}, optionally several in braces,
 * {@code {job="node",code=~"5.."}}.
 */
final class Selectors {

	private static final Pattern MATCHER = Pattern
		.compile("\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*(,|$)");

	private Selectors() {
	}

	static List<LabelMatcher> parse(String text) {
		String body = text.strip();
		if (body.startsWith("{") && body.endsWith("}")) {
			body = body.substring(1, body.length() - 1);
		}
		List<LabelMatcher> matchers = new ArrayList<>();
		Matcher matcher = MATCHER.matcher(body);
		int position = 0;
		while (position < body.length()) {
			if (!matcher.find(position) || matcher.start() != position) {
				throw new UsageException("cannot parse matcher '" + text
						+ "'; expected name=\"value\", name!=\"value\", name=~\"regex\" or name!~\"regex\"");
			}
			matchers.add(LabelMatcher.newBuilder()
				.setName(matcher.group(1))
				.setType(type(matcher.group(2)))
				.setValue(unescape(matcher.group(3)))
				.build());
			position = matcher.end();
		}
		if (matchers.isEmpty()) {
			throw new UsageException("empty matcher '" + text + "'");
		}
		return matchers;
	}

	static LabelMatcher metricName(String name) {
		return LabelMatcher.newBuilder().setName("__name__").setType(LabelMatcher.Type.EQ).setValue(name).build();
	}

	private static LabelMatcher.Type type(String operator) {
		return switch (operator) {
			case "=" -> LabelMatcher.Type.EQ;
			case "!=" -> LabelMatcher.Type.NEQ;
			case "=~" -> LabelMatcher.Type.RE;
			default -> LabelMatcher.Type.NRE;
		};
	}

	private static String unescape(String quoted) {
		StringBuilder out = new StringBuilder(quoted.length());
		for (int i = 0; i < quoted.length(); i++) {
			char c = quoted.charAt(i);
			if (c == '\\' && i + 1 < quoted.length()) {
				char next = quoted.charAt(++i);
				out.append(switch (next) {
					case 'n' -> '\n';
					case 't' -> '\t';
					default -> next;
				});
			}
			else {
				out.append(c);
			}
		}
		return out.toString();
	}

}
