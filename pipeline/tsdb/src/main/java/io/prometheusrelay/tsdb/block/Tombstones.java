package io.prometheusrelay.tsdb.block;

import java.io.IOException;
import java.nio.file.Path;

import io.prometheusrelay.tsdb.encoding.Encoder;
import io.prometheusrelay.tsdb.encoding.FileOutput;

/**
 * A block's {@code tombstones} file. This engine deletes nothing inside a block (retention drops whole
 * blocks), so it writes the empty file Prometheus writes for a new block: magic number, version, and
 * the checksum of no tombstones.
 */
final class Tombstones {

	static final String FILE_NAME = "tombstones";

	private static final int MAGIC = 0x0130BA30;

	private static final int VERSION = 1;

	private Tombstones() {
	}

	static void writeEmpty(Path block) throws IOException {
		try (FileOutput out = FileOutput.create(block.resolve(FILE_NAME))) {
			// The checksum covers the tombstones after the version byte: none, so CRC32C("") = 0.
			out.write(new Encoder(9).putBE32(MAGIC).putByte(VERSION).putBE32(0));
			out.finish();
		}
	}

}
