#!/usr/bin/env bash
# Deterministic config generators for the lint benchmark (issue #3 "Speed"):
#   gen_configs.sh hub FILE ENTRIES LINES_PER_ACL   one hub: ENTRIES crypto map entries, each with its
#                                                   own crypto ACL of LINES_PER_ACL lines
#   gen_configs.sh fleet DIR SPOKES                 a hub + SPOKES spoke configs that pair with it
set -euo pipefail
mode=$1
case "$mode" in
  hub)
    out=$2 entries=$3 lines=$4
    awk -v E="$entries" -v L="$lines" 'BEGIN {
      print "hostname HUB"
      print "crypto isakmp policy 10\n encryption aes 256\n hash sha256\n authentication pre-share\n group 14"
      print "crypto isakmp key 0 benchkey address 0.0.0.0 0.0.0.0"
      print "crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac\n mode tunnel"
      for (e = 1; e <= E; e++) {
        a = int((e - 1) / 250); b = (e - 1) % 250
        printf "ip access-list extended VPN%d\n", e
        for (l = 0; l < L; l++) printf " permit ip 10.%d.%d.0 0.0.0.255 172.%d.%d.%d 0.0.0.0\n", a, b, 16 + a, b, l + 1
        printf "crypto map CM %d ipsec-isakmp\n set peer 198.%d.%d.%d\n set transform-set TS\n match address VPN%d\n", e * 10, 18 + a, b, 2, e
      }
      print "interface Gi0/0\n ip address 203.0.113.1 255.255.255.0\n crypto map CM\nend"
    }' > "$out"
    ;;
  fleet)
    dir=$2 spokes=$3
    mkdir -p "$dir"
    awk -v S="$spokes" -v D="$dir" 'BEGIN {
      hub = D "/hub.cfg"
      print "hostname HUB\ncrypto isakmp policy 10\n encryption aes 256\n hash sha256\n authentication pre-share\n group 14" > hub
      print "crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac" > hub
      for (s = 1; s <= S; s++) {
        a = int((s - 1) / 250); b = (s - 1) % 250 + 1
        printf "crypto isakmp key 0 k%d address 100.%d.%d.2\n", s, 64 + a, b > hub
        printf "ip access-list extended S%d\n permit ip 10.0.0.0 0.0.255.255 10.%d.%d.0 0.0.0.255\n", s, 100 + a, b > hub
        printf "crypto map CM %d ipsec-isakmp\n set peer 100.%d.%d.2\n set transform-set TS\n match address S%d\n", s * 10, 64 + a, b, s > hub
        f = sprintf("%s/spoke%03d.cfg", D, s)
        printf "hostname SPOKE%d\ncrypto isakmp policy 10\n encryption aes 256\n hash sha256\n authentication pre-share\n group 14\n", s > f
        printf "crypto isakmp key 0 k%d address 203.0.113.1\ncrypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac\n", s > f
        printf "ip access-list extended HUB\n permit ip 10.%d.%d.0 0.0.0.255 10.0.0.0 0.0.255.255\n", 100 + a, b > f
        printf "crypto map CM 10 ipsec-isakmp\n set peer 203.0.113.1\n set transform-set TS\n match address HUB\n" > f
        printf "interface Gi0/0\n ip address 100.%d.%d.2 255.255.255.0\n crypto map CM\ninterface Gi0/1\n ip address 10.%d.%d.1 255.255.255.0\nend\n", 64 + a, b, 100 + a, b > f
        close(f)
      }
      print "interface Gi0/0\n ip address 203.0.113.1 255.255.255.0\n crypto map CM\nend" > hub
    }'
    ;;
  *) echo "usage: gen_configs.sh hub FILE ENTRIES LINES | fleet DIR SPOKES" >&2; exit 2 ;;
esac
