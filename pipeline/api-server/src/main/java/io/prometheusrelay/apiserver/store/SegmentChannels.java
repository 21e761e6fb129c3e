package io.prometheusrelay.apiserver.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens the channel a new segment is written through. The store's one seam for disk faults: tests
 * hand it channels whose writes or fsyncs fail, as a failing disk's would.
 */
@FunctionalInterface
interface SegmentChannels {

	SegmentChannels FILES = path -> FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

	FileChannel create(Path path) throws IOException;

}
