package io.prometheusrelay.protocol.remotewrite;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8Tests {

	@Test
	void acceptsWellFormedTextOfEveryLength() {
		for (String text : new String[] { "", "up", "k\u00fcche", "\u20ac", "\u65e5\u672c", "\uD83D\uDE00", "a\u0000b" }) {
			byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
			assertThat(Utf8.isValid(bytes, 0, bytes.length)).as(text).isTrue();
		}
	}

	@Test
	void rejectsMalformedSequences() {
		int[][] malformed = { { 0xFF }, { 0x80 }, { 0xC0, 0xAF }, { 0xC3 }, { 0xE0, 0x80, 0xAF }, { 0xED, 0xA0, 0x80 },
				{ 0xF0, 0x80, 0x80, 0xAF }, { 0xF4, 0x90, 0x80, 0x80 }, { 0xF5, 0x80, 0x80, 0x80 }, { 0xE2, 0x82 },
				{ 'o', 'k', 0xC3, 0x28 } };
		for (int[] sequence : malformed) {
			byte[] bytes = new byte[sequence.length];
			for (int i = 0; i < sequence.length; i++) {
				bytes[i] = (byte) sequence[i];
			}
			assertThat(Utf8.isValid(bytes, 0, bytes.length)).as(java.util.Arrays.toString(sequence)).isFalse();
		}
	}

	@Test
	void checksOnlyTheGivenRange() {
		byte[] bytes = { (byte) 0xFF, 'o', 'k', (byte) 0xFF };
		assertThat(Utf8.isValid(bytes, 1, 2)).isTrue();
	}

}
