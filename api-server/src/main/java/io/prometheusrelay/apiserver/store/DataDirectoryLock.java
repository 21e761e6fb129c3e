package io.prometheusrelay.apiserver.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on {@code <data-dir>/.lock}, held for the store's life, so that two
 * api-servers never write one directory. The OS drops it when the process dies, even by SIGKILL.
 */
final class DataDirectoryLock implements AutoCloseable {

	private final FileChannel channel;

	private final FileLock lock;

	private DataDirectoryLock(FileChannel channel, FileLock lock) {
		this.channel = channel;
		this.lock = lock;
	}

	static DataDirectoryLock acquire(Path dataDir) throws IOException {
		Path lockFile = dataDir.resolve(SegmentFormat.LOCK_FILE);
		FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
				StandardOpenOption.WRITE);
		FileLock lock;
		try {
			lock = channel.tryLock();
		}
		catch (OverlappingFileLockException ex) {
			lock = null;
		}
		if (lock == null) {
			String holder = Files.readString(lockFile, StandardCharsets.UTF_8).trim();
			channel.close();
			throw new DataDirectoryInUseException(dataDir, holder);
		}
		channel.truncate(0);
		channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
		channel.force(true);
		return new DataDirectoryLock(channel, lock);
	}

	@Override
	public void close() throws IOException {
		this.lock.release();
		this.channel.close();
	}

	/** Another process (or another store in this one) owns the directory. */
	public static final class DataDirectoryInUseException extends IOException {

		DataDirectoryInUseException(Path dataDir, String holder) {
			super("Data directory " + dataDir + " is in use by another api-server"
					+ (holder.isEmpty() ? "" : " (" + holder + ")") + "; give each instance its own directory");
		}

	}

}
