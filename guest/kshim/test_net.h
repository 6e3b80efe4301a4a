/* Between test_net.c (plain C) and test_net_kside.c (kernel style). */
#ifndef TEST_NET_H
#define TEST_NET_H
int tnet_saw_promisc(void);
int tnet_timeouts(void);
int tnet_skb_chain(unsigned char *out, unsigned *len);
void tnet_skb_double_free(void);
#endif
