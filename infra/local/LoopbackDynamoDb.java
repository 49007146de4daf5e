/*
 * DynamoDB Local, listening on the loopback interface only (its own launcher binds every interface
 * and has no option to choose). Run as a single source file by Java 17:
 *   java -cp DynamoDBLocal.jar:DynamoDBLocal_lib/* LoopbackDynamoDb.java <port> <dbPath>
 * The handlers are DynamoDB Local's own, set up as its launcher does (shared database, on disk).
 */
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

public class LoopbackDynamoDb {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    LocalDynamoDBServerHandler handler =
        new LocalDynamoDBServerHandler(new LocalDynamoDBRequestHandler(0, false, args[1], true, false), null);
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    // the launcher's handler tree, on this server instead of its own
    server.setHandler(new DynamoDBProxyServer(0, handler).setUpHandler(handler));
    server.start();
    server.join();
  }
}
