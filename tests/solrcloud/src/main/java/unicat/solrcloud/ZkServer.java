package unicat.solrcloud;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;

/**
 * A standalone ZooKeeper 3.9 server on 127.0.0.1 for the test cluster.
 *
 * <p>Usage: {@code ZkServer DATA_DIR PORT PORT_FILE}. PORT 0 lets the kernel choose a free port;
 * the port actually bound is written to PORT_FILE once the server accepts connections. No admin
 * server (it would take port 8080), no JMX; the four-letter words ruok, srvr and mntr are allowed.
 */
public final class ZkServer {
  private static final int TICK_MS = 1000;

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: ZkServer DATA_DIR PORT PORT_FILE");
      System.exit(2);
    }
    File dataDir = new File(args[0]);
    int port = Integer.parseInt(args[1]);
    Path portFile = Path.of(args[2]);
    if (!dataDir.isDirectory() && !dataDir.mkdirs()) {
      throw new IllegalStateException("cannot create " + dataDir);
    }
    System.setProperty("zookeeper.4lw.commands.whitelist", "ruok,srvr,mntr");
    System.setProperty("zookeeper.admin.enableServer", "false");
    // A throwaway test server: no fsync per transaction.
    System.setProperty("zookeeper.forceSync", "no");
    Owner.watchOwner();

    // Session timeouts may range from 2 to 60 ticks (2 s to 60 s).
    ZooKeeperServer zks = new ZooKeeperServer(new FileTxnSnapLog(dataDir, dataDir), TICK_MS, "");
    zks.setMinSessionTimeout(2 * TICK_MS);
    zks.setMaxSessionTimeout(60 * TICK_MS);
    ServerCnxnFactory factory =
        ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", port), 200);
    factory.startup(zks);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  factory.shutdown();
                  zks.shutdown();
                },
                "zk-shutdown"));
    Owner.writeAtomically(portFile, factory.getLocalPort() + "\n");
    System.err.println("zookeeper: listening on 127.0.0.1:" + factory.getLocalPort());
    factory.join();
  }
}
