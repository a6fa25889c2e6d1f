/*
 * libdsrlbnet: dsrlb's native packet engine (--engine native).
 *
 * One AF_PACKET socket per interface with a memory-mapped receive ring (TPACKET_V3 or V2) and
 * batched send (sendmmsg, PACKET_QDISC_BYPASS). Java calls it through JNA direct mapping with
 * plain integers and addresses only, so a call allocates nothing on either side, and one call
 * moves a whole batch: that, not C itself, is what makes it faster than pcap4j, which crosses
 * JNA and allocates an array for every frame.
 *
 * Frames are not copied out of the ring here: dsrlb_rx_batch returns their offsets in the
 * mapping and Java copies each one once, straight into the forwarder's buffer. The ring space
 * of a batch is given back to the kernel at the next dsrlb_rx_batch call.
 *
 * Ring versions. V3 packs frames of any size into blocks and hands over a block at a time:
 * the fewest wake-ups under load, but a block that is not full waits for its retire timer
 * (>= 1 ms), and every TFTP ACK would wait with it. V2 hands over every frame as soon as it is
 * written (what libpcap does in immediate mode). dsrlb picks per run (--native-ring).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

/* TPID and TCI of an 802.1Q tag. */
#define VLAN_TAG_BYTES 4
#define DSRLB_MAX_TX_BATCH 256
#define DSRLB_MAX_V2_BATCH 1024

struct dsrlb_ring {
    int fd;
    int wake_fd;
    int version;
    int ifindex;
    uint8_t *map;
    size_t map_len;
    /* V3: blocks; V2: frames (block_nr * frames_per_block) */
    unsigned int block_size;
    unsigned int block_nr;
    unsigned int frame_size;
    unsigned int frames_per_block;
    unsigned int frame_nr;
    unsigned int cur;          /* next block (V3) or frame (V2) to look at */
    int held;                  /* V3: block cur is ours until the next call; V2: frames held */
    unsigned int held_idx[DSRLB_MAX_V2_BATCH];
    uint64_t drops;            /* accumulated: PACKET_STATISTICS resets on every read */
    struct mmsghdr msgs[DSRLB_MAX_TX_BATCH];
    struct iovec iovs[DSRLB_MAX_TX_BATCH];
    struct sockaddr_ll to;
    struct sockaddr_ll tos[DSRLB_MAX_TX_BATCH];
};

static void set_err(char *err, int errlen, const char *what, int e)
{
    if (err && errlen > 0) {
        snprintf(err, (size_t)errlen, "%s: %s", what, strerror(e));
    }
}

static int attach_filter(int fd, const char *filter, char *err, int errlen)
{
    pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
    struct bpf_program prog;
    if (!dead) {
        set_err(err, errlen, "pcap_open_dead", ENOMEM);
        return -1;
    }
    if (pcap_compile(dead, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        if (err && errlen > 0) {
            snprintf(err, (size_t)errlen, "capture filter '%s': %s", filter, pcap_geterr(dead));
        }
        pcap_close(dead);
        return -1;
    }
    struct sock_fprog fprog = {
        .len = (unsigned short)prog.bf_len,
        .filter = (struct sock_filter *)prog.bf_insns,
    };
    int rc = setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog);
    int e = errno;
    pcap_freecode(&prog);
    pcap_close(dead);
    if (rc != 0) {
        set_err(err, errlen, "SO_ATTACH_FILTER", e);
        return -1;
    }
    return 0;
}

/*
 * Opens the engine on an interface. Returns a handle (> 0), or 0 with a message in err.
 * ring_bytes is the receive ring's size; block_size a power of two >= 4096 (V3's hand-over
 * unit, V2's allocation unit); retire_ms V3's block timeout.
 */
long dsrlb_open(const char *ifname, const char *filter, int version, int ring_bytes, int block_size,
                int retire_ms, char *err, int errlen)
{
    if (version != 2 && version != 3) {
        set_err(err, errlen, "ring version must be 2 or 3", EINVAL);
        return 0;
    }
    if (block_size < 4096 || (block_size & (block_size - 1)) != 0 || ring_bytes < block_size) {
        set_err(err, errlen, "ring sizes", EINVAL);
        return 0;
    }
    struct dsrlb_ring *r = calloc(1, sizeof *r);
    if (!r) {
        set_err(err, errlen, "calloc", ENOMEM);
        return 0;
    }
    r->fd = -1;
    r->wake_fd = -1;
    r->version = version;
    r->ifindex = (int)if_nametoindex(ifname);
    if (r->ifindex == 0) {
        set_err(err, errlen, ifname, errno);
        goto fail;
    }
    /* Protocol 0 at first: no frame is queued before the filter and the ring are in place. */
    r->fd = socket(AF_PACKET, SOCK_RAW, 0);
    if (r->fd < 0) {
        set_err(err, errlen, "socket(AF_PACKET)", errno);
        goto fail;
    }
    if (attach_filter(r->fd, filter, err, errlen) != 0) {
        goto fail;
    }
    /*
     * SO_LOCK_FILTER: from here on nothing in this process (a JNA call, a bug, code run in
     * it) can replace or detach the filter, so the socket never sees more than the VIPs' and
     * ARP frames. Failure is not fatal: NativePacketIo reads the lock back and warns.
     */
    int lock = 1;
    (void)setsockopt(r->fd, SOL_SOCKET, SO_LOCK_FILTER, &lock, sizeof lock);
    int v = version == 3 ? TPACKET_V3 : TPACKET_V2;
    if (setsockopt(r->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof v) != 0) {
        set_err(err, errlen, "PACKET_VERSION", errno);
        goto fail;
    }
    /* Room for an 802.1Q tag in front of each frame: Linux hands the frame over without its
     * tag (in tp_vlan_tci); put_tag_back() moves the MACs 4 bytes forward into this room and
     * writes the tag between them and the EtherType, as libpcap does from PACKET_AUXDATA. */
    unsigned int reserve = VLAN_TAG_BYTES;
    if (setsockopt(r->fd, SOL_PACKET, PACKET_RESERVE, &reserve, sizeof reserve) != 0) {
        set_err(err, errlen, "PACKET_RESERVE", errno);
        goto fail;
    }
    int one = 1;
    /* Our own sends must not come back to us (Linux >= 4.20); older kernels: skipped below. */
    (void)setsockopt(r->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
    /* The qdisc buys nothing for frames that are already someone else's traffic. */
    (void)setsockopt(r->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);

    r->block_size = (unsigned int)block_size;
    r->block_nr = (unsigned int)(ring_bytes / block_size);
    if (version == 3) {
        struct tpacket_req3 req;
        memset(&req, 0, sizeof req);
        req.tp_block_size = r->block_size;
        req.tp_block_nr = r->block_nr;
        req.tp_frame_size = 2048; /* V3 ignores it for packing, but checks it */
        req.tp_frame_nr = (r->block_size / req.tp_frame_size) * r->block_nr;
        req.tp_retire_blk_tov = (unsigned int)(retire_ms > 0 ? retire_ms : 1);
        if (setsockopt(r->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0) {
            set_err(err, errlen, "PACKET_RX_RING (V3)", errno);
            goto fail;
        }
    } else {
        struct tpacket_req req;
        memset(&req, 0, sizeof req);
        /* A slot holds the largest frame the interface carries (MTU + Ethernet header + VLAN
         * tag) after the kernel's header (the frame starts at offset 66 for V2): at a 1500
         * MTU that is 1600 bytes, ~40 000 frames in 64 MiB. */
        struct ifreq ifr;
        memset(&ifr, 0, sizeof ifr);
        snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
        int mtu = ioctl(r->fd, SIOCGIFMTU, &ifr) == 0 ? ifr.ifr_mtu : 9000;
        r->frame_size = TPACKET_ALIGN((unsigned int)mtu + 18 + 80);
        if (r->frame_size > r->block_size) {
            set_err(err, errlen, "MTU larger than a ring block", EINVAL);
            goto fail;
        }
        req.tp_block_size = r->block_size;
        req.tp_block_nr = r->block_nr;
        req.tp_frame_size = r->frame_size;
        r->frames_per_block = r->block_size / r->frame_size;
        req.tp_frame_nr = r->frames_per_block * r->block_nr;
        r->frame_nr = req.tp_frame_nr;
        if (setsockopt(r->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0) {
            set_err(err, errlen, "PACKET_RX_RING (V2)", errno);
            goto fail;
        }
    }
    r->map_len = (size_t)r->block_size * r->block_nr;
    r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, r->fd, 0);
    if (r->map == MAP_FAILED) {
        /* MAP_LOCKED needs RLIMIT_MEMLOCK; without it the ring still works, only pageable. */
        r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
    }
    if (r->map == MAP_FAILED) {
        r->map = NULL;
        set_err(err, errlen, "mmap of the receive ring", errno);
        goto fail;
    }
    struct sockaddr_ll ll;
    memset(&ll, 0, sizeof ll);
    ll.sll_family = AF_PACKET;
    ll.sll_protocol = htons(ETH_P_ALL);
    ll.sll_ifindex = r->ifindex;
    if (bind(r->fd, (struct sockaddr *)&ll, sizeof ll) != 0) {
        set_err(err, errlen, "bind to the interface", errno);
        goto fail;
    }
    r->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (r->wake_fd < 0) {
        set_err(err, errlen, "eventfd", errno);
        goto fail;
    }
    memset(&r->to, 0, sizeof r->to);
    r->to.sll_family = AF_PACKET;
    r->to.sll_ifindex = r->ifindex;
    r->to.sll_halen = ETH_ALEN;
    for (int i = 0; i < DSRLB_MAX_TX_BATCH; i++) {
        r->msgs[i].msg_hdr.msg_iov = &r->iovs[i];
        r->msgs[i].msg_hdr.msg_iovlen = 1;
        r->tos[i] = r->to;
        r->msgs[i].msg_hdr.msg_name = &r->tos[i];
        r->msgs[i].msg_hdr.msg_namelen = sizeof r->tos[i];
    }
    return (long)r;
fail:
    if (r->map) {
        munmap(r->map, r->map_len);
    }
    if (r->fd >= 0) {
        close(r->fd);
    }
    if (r->wake_fd >= 0) {
        close(r->wake_fd);
    }
    free(r);
    return 0;
}

/* Gives back what the previous batch held. */
static void release_held(struct dsrlb_ring *r)
{
    if (!r->held) {
        return;
    }
    if (r->version == 3) {
        struct tpacket_block_desc *b = (void *)(r->map + (size_t)r->cur * r->block_size);
        __atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
        r->cur = (r->cur + 1) % r->block_nr;
    }
    /* V2 gives its frames back in release_v2. */
    r->held = 0;
}

static int keep(int pkttype, uint32_t len, uint32_t snaplen)
{
    if (pkttype == PACKET_OUTGOING || snaplen < len) {
        /* Outgoing: ours, seen by a kernel without PACKET_IGNORE_OUTGOING. Cut short: longer
         * than the interface's MTU (GRO), it could not be sent whole. */
        return 0;
    }
    return 1;
}

/*
 * A frame whose 802.1Q (or 802.1ad) tag the kernel took off into the ring header gets it back
 * in place, so that the forwarder sees the frame as it was on the wire and forwards it on its
 * VLAN. Returns the start of the frame (4 bytes earlier when a tag went back in).
 */
static uint8_t *put_tag_back(uint8_t *mac, uint32_t status, uint16_t tci, uint16_t tpid)
{
    if (!(status & TP_STATUS_VLAN_VALID)) {
        return mac;
    }
    uint8_t *start = mac - VLAN_TAG_BYTES;
    memmove(start, mac, 2 * ETH_ALEN);
    uint16_t type = (status & TP_STATUS_VLAN_TPID_VALID) ? tpid : ETH_P_8021Q;
    start[12] = (uint8_t)(type >> 8);
    start[13] = (uint8_t)type;
    start[14] = (uint8_t)(tci >> 8);
    start[15] = (uint8_t)tci;
    return start;
}

static int collect_v3(struct dsrlb_ring *r, int32_t *out, int max)
{
    struct tpacket_block_desc *b = (void *)(r->map + (size_t)r->cur * r->block_size);
    if (!(__atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER)) {
        return -1;
    }
    r->held = 1;
    uint32_t n = b->hdr.bh1.num_pkts;
    uint8_t *p = (uint8_t *)b + b->hdr.bh1.offset_to_first_pkt;
    int got = 0;
    /* A block is handed over whole: all its frames in one batch (max covers a full block). */
    for (uint32_t i = 0; i < n && got < max; i++) {
        struct tpacket3_hdr *h = (void *)p;
        struct sockaddr_ll *ll = (void *)(p + TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));
        if (keep(ll->sll_pkttype, h->tp_len, h->tp_snaplen)) {
            uint8_t *mac = p + h->tp_mac;
            uint8_t *start = put_tag_back(mac, h->tp_status, h->hv1.tp_vlan_tci, h->hv1.tp_vlan_tpid);
            out[2 * got] = (int32_t)(start - r->map);
            out[2 * got + 1] = (int32_t)(h->tp_snaplen + (uint32_t)(mac - start));
            got++;
        }
        p += h->tp_next_offset;
    }
    return got;
}

/* V2: where frame i is; a block holds whole frames only, so blocks may end in a gap. */
static struct tpacket2_hdr *frame_v2(struct dsrlb_ring *r, unsigned int i)
{
    return (void *)(r->map + (size_t)(i / r->frames_per_block) * r->block_size
                    + (size_t)(i % r->frames_per_block) * r->frame_size);
}

/* V2: the frames of a batch stay ours (their slots unwritable) until the next call. */
static int collect_v2(struct dsrlb_ring *r, int32_t *out, int max)
{
    int got = 0;
    while (got < max) {
        struct tpacket2_hdr *h = frame_v2(r, r->cur);
        uint32_t status = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
        if (!(status & TP_STATUS_USER)) {
            break;
        }
        struct sockaddr_ll *ll = (void *)((uint8_t *)h + TPACKET_ALIGN(sizeof(struct tpacket2_hdr)));
        if (keep(ll->sll_pkttype, h->tp_len, h->tp_snaplen)) {
            uint8_t *mac = (uint8_t *)h + h->tp_mac;
            uint8_t *start = put_tag_back(mac, status, h->tp_vlan_tci, h->tp_vlan_tpid);
            out[2 * got] = (int32_t)(start - r->map);
            out[2 * got + 1] = (int32_t)(h->tp_snaplen + (uint32_t)(mac - start));
            r->held_idx[got] = r->cur;
            got++;
        } else {
            __atomic_store_n(&h->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
        }
        r->cur = (r->cur + 1) % r->frame_nr;
    }
    r->held = got;
    return got > 0 ? got : -1;
}

static void release_v2(struct dsrlb_ring *r)
{
    for (int k = 0; k < r->held; k++) {
        struct tpacket2_hdr *h = frame_v2(r, r->held_idx[k]);
        __atomic_store_n(&h->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    }
    r->held = 0;
}

/*
 * Returns the next batch: up to max frames as (offset in the ring, length) pairs in out.
 * What the previous call returned is given back first, so the caller must be done with it.
 * Waits at most timeout_ms. Returns the number of frames (0 on timeout or after
 * dsrlb_wakeup), or -errno.
 */
int dsrlb_rx_batch(long handle, int32_t *out, int max, int timeout_ms)
{
    struct dsrlb_ring *r = (struct dsrlb_ring *)handle;
    if (r->version == 3) {
        release_held(r);
    } else {
        release_v2(r);
        if (max > DSRLB_MAX_V2_BATCH) {
            max = DSRLB_MAX_V2_BATCH;
        }
    }
    int polled = 0;
    for (;;) {
        int got = r->version == 3 ? collect_v3(r, out, max) : collect_v2(r, out, max);
        if (got > 0) {
            return got;
        }
        if (got == 0) { /* a V3 block of skipped frames only: on to the next */
            release_held(r);
            continue;
        }
        if (polled) {
            return 0;
        }
        struct pollfd fds[2] = {
            {.fd = r->fd, .events = POLLIN},
            {.fd = r->wake_fd, .events = POLLIN},
        };
        int rc = poll(fds, 2, timeout_ms);
        if (rc < 0) {
            return errno == EINTR ? 0 : -errno;
        }
        if (fds[1].revents & POLLIN) {
            uint64_t v;
            (void)!read(r->wake_fd, &v, sizeof v);
            return 0;
        }
        if (fds[0].revents & (POLLERR | POLLNVAL)) {
            int e = 0;
            socklen_t len = sizeof e;
            if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &e, &len) == 0 && e != 0) {
                return -e;
            }
        }
        if (rc == 0) {
            return 0;
        }
        polled = 1;
    }
}

/* Sends count frames laid out back to back at base, with lengths in lens. Returns frames sent or -errno. */
int dsrlb_tx_batch(long handle, const uint8_t *base, const int32_t *lens, int count)
{
    struct dsrlb_ring *r = (struct dsrlb_ring *)handle;
    if (count > DSRLB_MAX_TX_BATCH) {
        return -EINVAL;
    }
    size_t off = 0;
    for (int i = 0; i < count; i++) {
        r->iovs[i].iov_base = (void *)(base + off);
        r->iovs[i].iov_len = (size_t)lens[i];
        /* The kernel takes skb->protocol from here, not from the frame. */
        r->tos[i].sll_protocol = lens[i] >= 14 ? (uint16_t)(base[off + 12] | base[off + 13] << 8) : 0;
        off += (size_t)lens[i];
    }
    int sent = 0;
    while (sent < count) {
        int n = sendmmsg(r->fd, r->msgs + sent, (unsigned int)(count - sent), 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            /* ENOBUFS and friends: the rest of the batch is lost, like a full NIC queue. */
            return sent > 0 ? sent : -errno;
        }
        sent += n;
    }
    return sent;
}

/* One frame, for threads other than the receiver (ARP, monitors). Returns 0 or -errno. */
int dsrlb_send(long handle, const uint8_t *frame, int len)
{
    struct dsrlb_ring *r = (struct dsrlb_ring *)handle;
    struct sockaddr_ll to = r->to;
    to.sll_protocol = len >= 14 ? (uint16_t)(frame[12] | frame[13] << 8) : 0;
    ssize_t n = sendto(r->fd, frame, (size_t)len, 0, (struct sockaddr *)&to, sizeof to);
    return n < 0 ? -errno : 0;
}

/* Makes a dsrlb_rx_batch that waits now (or the next one) return 0 at once. */
void dsrlb_wakeup(long handle)
{
    struct dsrlb_ring *r = (struct dsrlb_ring *)handle;
    uint64_t one = 1;
    (void)!write(r->wake_fd, &one, sizeof one);
}

/* Frames the kernel dropped because the ring was full, since open. */
long dsrlb_drops(long handle)
{
    struct dsrlb_ring *r = (struct dsrlb_ring *)handle;
    union {
        struct tpacket_stats v2;
        struct tpacket_stats_v3 v3;
    } st;
    socklen_t len = r->version == 3 ? sizeof st.v3 : sizeof st.v2;
    if (getsockopt(r->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0) {
        r->drops += r->version == 3 ? st.v3.tp_drops : st.v2.tp_drops;
    }
    return (long)r->drops;
}

/* The base address of the ring mapping: Java reads frames at base + offset. */
int dsrlb_fd(long handle)
{
    return ((struct dsrlb_ring *)handle)->fd;
}

long dsrlb_ring_base(long handle)
{
    return (long)((struct dsrlb_ring *)handle)->map;
}

/* The most frames one dsrlb_rx_batch can return (a full V3 block of minimum-size frames). */
int dsrlb_max_batch(long handle)
{
    struct dsrlb_ring *r = (struct dsrlb_ring *)handle;
    return r->version == 3 ? (int)(r->block_size / 64) : DSRLB_MAX_V2_BATCH;
}

int dsrlb_max_tx_batch(void)
{
    return DSRLB_MAX_TX_BATCH;
}

void dsrlb_close(long handle)
{
    struct dsrlb_ring *r = (struct dsrlb_ring *)handle;
    munmap(r->map, r->map_len);
    close(r->fd);
    close(r->wake_fd);
    free(r);
}
