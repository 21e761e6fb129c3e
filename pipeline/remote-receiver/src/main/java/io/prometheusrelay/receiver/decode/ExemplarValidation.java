package io.prometheusrelay.receiver.decode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.prometheusrelay.protocol.remotewrite.EncodedExemplar;
import io.prometheusrelay.protocol.remotewrite.Utf8;
import org.jspecify.annotations.Nullable;

/**
 * Checks an exemplar's labels as Prometheus's TSDB and OpenMetrics do: names not empty and not
 * repeated, names and values valid UTF-8, and at most 128 characters of names and values together.
 */
final class ExemplarValidation {

	/** OpenMetrics's limit, which Prometheus enforces on exemplars it appends. */
	static final int MAX_LABEL_SET_CHARACTERS = 128;

	private ExemplarValidation() {
	}

	/** What is wrong with the exemplar, in a few words; null when nothing is. */
	static @Nullable String problem(EncodedExemplar exemplar) {
		byte[] buf = exemplar.buffer();
		int characters = 0;
		for (int i = 0; i < exemplar.labelCount(); i++) {
			int name = exemplar.nameOffset(i);
			int nameLength = exemplar.nameLength(i);
			if (nameLength == 0) {
				return "an exemplar label has an empty name";
			}
			if (!Utf8.isValid(buf, name, nameLength) || !Utf8.isValid(buf, exemplar.valueOffset(i), exemplar.valueLength(i))) {
				return "an exemplar label is not UTF-8";
			}
			for (int j = 0; j < i; j++) {
				if (Arrays.equals(buf, name, name + nameLength, buf, exemplar.nameOffset(j),
						exemplar.nameOffset(j) + exemplar.nameLength(j))) {
					return "exemplar label " + new String(buf, name, nameLength, StandardCharsets.UTF_8)
							+ " appears twice";
				}
			}
			characters += characters(buf, name, nameLength) + characters(buf, exemplar.valueOffset(i), exemplar.valueLength(i));
		}
		return (characters > MAX_LABEL_SET_CHARACTERS) ? "exemplar labels have " + characters
				+ " characters, more than " + MAX_LABEL_SET_CHARACTERS : null;
	}

	/** Characters of valid UTF-8: the bytes that start one. */
	private static int characters(byte[] buf, int offset, int length) {
		int characters = 0;
		for (int i = offset; i < offset + length; i++) {
			if ((buf[i] & 0xC0) != 0x80) {
				characters++;
			}
		}
		return characters;
	}

}
