import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { planSubnets } from "./subnets";

export interface NetworkArgs {
  /** Prefix for AWS Name tags. */
  clusterName: string;
  region: string;
  vpcCidr: string;
  availabilityZones: string[];
  /** One NAT gateway for the VPC, or one per zone so losing a zone never cuts egress. */
  natGateways: "single" | "per-az";
  /** AWS services reached through interface endpoints (e.g. "sts", "ecr.api"). */
  interfaceEndpoints: readonly string[];
  /** Also reach S3 through an interface endpoint, resolved inside the VPC (https egress narrowed to the VPC). */
  s3InterfaceEndpoint: boolean;
  tags: Record<string, string>;
}

/**
 * VPC with private node subnets, public load-balancer subnets, NAT, an S3 gateway endpoint and
 * interface endpoints for the AWS APIs the platform calls.
 */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly privateSubnetIds: pulumi.Output<string>[];
  readonly publicSubnetIds: pulumi.Output<string>[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:cluster:Network", name, {}, opts);
    const parent = { parent: this };
    const tag = (suffix: string, extra: Record<string, string> = {}) => ({
      ...args.tags,
      Name: `${args.clusterName}-${suffix}`,
      ...extra,
    });
    const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" };

    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      { cidrBlock: args.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tag("vpc") },
      parent,
    );
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tag("igw") }, parent);
    const publicRoutes = new aws.ec2.RouteTable(
      `${name}-public`,
      { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags: tag("public") },
      parent,
    );

    const plan = planSubnets(args.vpcCidr, args.availabilityZones);
    const publicSubnets = plan.map((p) => {
      const subnet = new aws.ec2.Subnet(
        `${name}-public-${p.zone}`,
        {
          vpcId: vpc.id,
          cidrBlock: p.publicCidr,
          availabilityZone: p.zone,
          mapPublicIpOnLaunch: false,
          // Tags the AWS Load Balancer Controller uses to place internet-facing load balancers.
          tags: tag(`public-${p.zone}`, { ...clusterTag, "kubernetes.io/role/elb": "1" }),
        },
        parent,
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-public-${p.zone}`,
        { subnetId: subnet.id, routeTableId: publicRoutes.id },
        parent,
      );
      return subnet;
    });

    const natZones = args.natGateways === "per-az" ? plan.map((p) => p.zone) : [plan[0].zone];
    const nats = natZones.map((zone, i) => {
      const eip = new aws.ec2.Eip(`${name}-nat-${zone}`, { domain: "vpc", tags: tag(`nat-${zone}`) }, parent);
      return new aws.ec2.NatGateway(
        `${name}-nat-${zone}`,
        { allocationId: eip.id, subnetId: publicSubnets[i].id, tags: tag(`nat-${zone}`) },
        { parent: this, dependsOn: [igw] },
      );
    });

    const privateRouteTables: aws.ec2.RouteTable[] = [];
    const privateSubnets = plan.map((p, i) => {
      const subnet = new aws.ec2.Subnet(
        `${name}-private-${p.zone}`,
        {
          vpcId: vpc.id,
          cidrBlock: p.privateCidr,
          availabilityZone: p.zone,
          // Internal load balancers, and the discovery tag Karpenter/cluster-autoscaler setups use.
          tags: tag(`private-${p.zone}`, {
            ...clusterTag,
            "kubernetes.io/role/internal-elb": "1",
            "karpenter.sh/discovery": args.clusterName,
          }),
        },
        parent,
      );
      const nat = nats[args.natGateways === "per-az" ? i : 0];
      const routes = new aws.ec2.RouteTable(
        `${name}-private-${p.zone}`,
        {
          vpcId: vpc.id,
          routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
          tags: tag(`private-${p.zone}`),
        },
        parent,
      );
      privateRouteTables.push(routes);
      new aws.ec2.RouteTableAssociation(
        `${name}-private-${p.zone}`,
        { subnetId: subnet.id, routeTableId: routes.id },
        parent,
      );
      return subnet;
    });

    // Checkpoint traffic stays on the AWS network and costs no NAT processing.
    new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${args.region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: privateRouteTables.map((t) => t.id),
        tags: tag("s3"),
      },
      parent,
    );

    const interfaceServices = [...args.interfaceEndpoints, ...(args.s3InterfaceEndpoint ? ["s3"] : [])];
    if (interfaceServices.length > 0) {
      // The endpoints' network interfaces answer HTTPS from inside the VPC only.
      const endpointsSg = new aws.ec2.SecurityGroup(
        `${name}-endpoints`,
        {
          vpcId: vpc.id,
          description: "AWS interface endpoints: HTTPS from the VPC",
          ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [args.vpcCidr] }],
          egress: [],
          tags: tag("endpoints"),
        },
        parent,
      );
      for (const service of interfaceServices) {
        new aws.ec2.VpcEndpoint(
          `${name}-${service.replace(/\./g, "-")}`,
          {
            vpcId: vpc.id,
            serviceName: `com.amazonaws.${args.region}.${service}`,
            vpcEndpointType: "Interface",
            // The service's regional name resolves to the endpoint inside the VPC.
            privateDnsEnabled: true,
            // S3 beside its gateway endpoint: resolve to the interface inside the VPC too
            // (otherwise in-VPC clients keep using the gateway's public S3 addresses).
            ...(service === "s3" ? { dnsOptions: { privateDnsOnlyForInboundResolverEndpoint: false } } : {}),
            subnetIds: privateSubnets.map((s) => s.id),
            securityGroupIds: [endpointsSg.id],
            tags: tag(service),
          },
          parent,
        );
      }
    }

    this.vpcId = vpc.id;
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.registerOutputs({ vpcId: this.vpcId });
  }
}
