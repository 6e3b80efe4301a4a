// CRQ queue engine: the producer side of a PAPR CRQ ring in guest memory (crq-vmc.md §1.2,
// §1.5), the hardware counterpart of crq_send(), reclaim() and crq_transport_event() in
// models/crq/crq.c. Register map, ports and timing: docs/rtl.md.
//
// Memory port: one 64-bit word per request, one request outstanding, every request (read or
// write) answered by exactly one response some cycles later. Lanes are big-endian: the byte
// at the lowest address is on bits 63:56, so the element's header byte (byte 0) is
// rdata[63:56] of the slot's first word, as guest memory holds elements big-endian.
// cmd_data carries the element the same way: byte 0 on bits 127:120.
module crq_engine #(
    parameter int AW   = 64,  // guest-physical address width
    parameter int IDXW = 25,  // slot index / entry count width (256 MiB / 16 = 2^24 entries)
    parameter int CNTW = 32   // event counter width
) (
    input logic clk,
    input logic rst,  // synchronous, active high

    // register port: word-addressed 64-bit registers, writes take one cycle
    input  logic [ 3:0] reg_addr,
    input  logic        reg_we,
    input  logic [63:0] reg_wdata,
    output logic [63:0] reg_rdata,

    // command port: enqueue one element; one response per accepted command
    input  logic         cmd_valid,
    output logic         cmd_ready,
    input  logic [127:0] cmd_data,
    output logic         rsp_valid,
    output logic [  1:0] rsp_status,

    // memory port
    output logic          mem_req_valid,
    output logic          mem_req_we,
    output logic [AW-1:0] mem_req_addr,
    output logic [  63:0] mem_req_wdata,
    input  logic          mem_rsp_valid,
    input  logic          mem_rsp_err,
    // Only the header byte of a read matters: the engine never reads back element bodies.
    /* verilator lint_off UNUSEDSIGNAL */
    input  logic [  63:0] mem_rsp_rdata,
    /* verilator lint_on UNUSEDSIGNAL */

    // events, each a one-cycle pulse
    output logic            irq,
    output logic            consumed_valid,
    output logic [IDXW-1:0] consumed_slot,
    output logic            busy
);
  // Register addresses (crq_engine_model.h mirrors them).
  localparam logic [3:0] R_BASE = 4'd0;  // rw: queue base, 16-byte aligned
  localparam logic [3:0] R_ENTRIES = 4'd1;  // rw: number of 16-byte elements
  localparam logic [3:0] R_QCTRL = 4'd2;  // w 1: register (ring state reset), 0: free; r bit0
  localparam logic [3:0] R_IRQ_EN = 4'd3;  // rw bit0: interrupt enable
  localparam logic [3:0] R_ENABLE = 4'd4;  // w: leave the migration-disabled state
  localparam logic [3:0] R_STATUS = 4'd5;  // r: [1:0] queue state, [2] busy, [3] memory error
  localparam logic [3:0] R_NEXT = 4'd6;  // r: producer index
  localparam logic [3:0] R_OLDEST = 4'd7;  // r: oldest outstanding slot
  localparam logic [3:0] R_OUTSTANDING = 4'd8;  // r: written, not yet seen consumed
  localparam logic [3:0] R_ENQUEUED = 4'd9;  // r
  localparam logic [3:0] R_DROPPED = 4'd10;  // r
  localparam logic [3:0] R_CLOSED = 4'd11;  // r
  localparam logic [3:0] R_CONSUMED = 4'd12;  // r
  localparam logic [3:0] R_RECLAIM = 4'd13;  // w: look for consumed slots without enqueuing

  // Queue states, as enum crq_queue_state in crq_wire.h.
  localparam logic [1:0] Q_FREE = 2'd0;
  localparam logic [1:0] Q_REGISTERED = 2'd1;
  localparam logic [1:0] Q_DISABLED = 2'd2;

  localparam logic [1:0] ST_OK = 2'd0;
  localparam logic [1:0] ST_DROPPED = 2'd1;
  localparam logic [1:0] ST_CLOSED = 2'd2;
  localparam logic [1:0] ST_ERROR = 2'd3;

  typedef enum logic [2:0] {
    S_IDLE,
    S_RECL,  // waiting for the oldest outstanding slot's first word
    S_SLOT,  // waiting for the producer slot's first word
    S_WR1,   // waiting for the body write (bytes 8..15)
    S_WR0    // waiting for the header write (bytes 0..7)
  } state_t;

  state_t state_q, state_d;
  logic [127:0] elem_q, elem_d;
  logic [AW-1:0] base_q, base_d;
  logic [IDXW-1:0] entries_q, entries_d;
  logic [1:0] qstate_q, qstate_d;
  logic irq_en_q, irq_en_d;
  logic recl_only_q, recl_only_d;
  logic mem_err_q, mem_err_d;
  logic [IDXW-1:0] next_q, next_d, oldest_q, oldest_d, outstanding_q, outstanding_d;
  logic [CNTW-1:0] n_enq_q, n_enq_d, n_drop_q, n_drop_d, n_closed_q, n_closed_d;
  logic [CNTW-1:0] n_cons_q, n_cons_d;

  logic req_valid_d, req_we_d;
  logic [AW-1:0] req_addr_d;
  logic [63:0] req_wdata_d;
  logic rsp_valid_d, irq_d, consumed_valid_d;
  logic [1:0] rsp_status_d;
  logic [IDXW-1:0] consumed_slot_d;

  function automatic logic [AW-1:0] slot_addr(input logic [AW-1:0] base,
                                               input logic [IDXW-1:0] idx);
    return base + AW'({idx, 4'b0000});
  endfunction

  function automatic logic [IDXW-1:0] wrap_inc(input logic [IDXW-1:0] idx,
                                               input logic [IDXW-1:0] entries);
    return (idx + 1'b1 == entries) ? '0 : idx + 1'b1;
  endfunction

  wire idle = state_q == S_IDLE;
  // Configuration writes only land between commands; interrupt enable may change any time.
  wire cfg_we = reg_we && idle && !cmd_valid;
  wire [7:0] hdr = mem_rsp_rdata[63:56];

  assign cmd_ready = idle;
  assign busy = !idle;

  always_comb begin
    state_d = state_q;
    elem_d = elem_q;
    base_d = base_q;
    entries_d = entries_q;
    qstate_d = qstate_q;
    irq_en_d = irq_en_q;
    recl_only_d = recl_only_q;
    mem_err_d = mem_err_q;
    next_d = next_q;
    oldest_d = oldest_q;
    outstanding_d = outstanding_q;
    n_enq_d = n_enq_q;
    n_drop_d = n_drop_q;
    n_closed_d = n_closed_q;
    n_cons_d = n_cons_q;
    req_valid_d = 1'b0;
    req_we_d = 1'b0;
    req_addr_d = mem_req_addr;
    req_wdata_d = mem_req_wdata;
    rsp_valid_d = 1'b0;
    rsp_status_d = rsp_status;
    irq_d = 1'b0;
    consumed_valid_d = 1'b0;
    consumed_slot_d = consumed_slot;

    if (reg_we && reg_addr == R_IRQ_EN) irq_en_d = reg_wdata[0];
    if (cfg_we) begin
      unique case (reg_addr)
        R_BASE: base_d = reg_wdata[AW-1:0];
        R_ENTRIES: entries_d = reg_wdata[IDXW-1:0];
        R_QCTRL: begin
          // A new registration starts the ring over at slot 0 (the queue is zeroed by then).
          qstate_d = (reg_wdata[0] && entries_q != '0) ? Q_REGISTERED : Q_FREE;
          next_d = '0;
          oldest_d = '0;
          outstanding_d = '0;
          mem_err_d = 1'b0;
        end
        R_ENABLE: if (qstate_q == Q_DISABLED) qstate_d = Q_REGISTERED;
        R_RECLAIM:
        if (qstate_q != Q_FREE && outstanding_q != '0) begin
          recl_only_d = 1'b1;
          req_valid_d = 1'b1;
          req_addr_d = slot_addr(base_q, oldest_q);
          state_d = S_RECL;
        end
        default: ;
      endcase
    end

    unique case (state_q)
      S_IDLE:
      if (cmd_valid) begin
        elem_d = cmd_data;
        if (qstate_q != Q_REGISTERED) begin
          rsp_valid_d = 1'b1;
          rsp_status_d = ST_CLOSED;
          n_closed_d = n_closed_q + 1'b1;
        end else begin
          // Reclaim first, in ring order, then look at the producer slot.
          req_valid_d = 1'b1;
          req_addr_d  = slot_addr(base_q, outstanding_q != '0 ? oldest_q : next_q);
          state_d = outstanding_q != '0 ? S_RECL : S_SLOT;
        end
      end
      S_RECL:
      if (mem_rsp_valid) begin
        if (mem_rsp_err) begin
          mem_err_d = 1'b1;
          rsp_valid_d = !recl_only_q;
          rsp_status_d = ST_ERROR;
          recl_only_d = 1'b0;
          state_d = S_IDLE;
        end else if (hdr == 8'h00 && outstanding_q != '0) begin
          consumed_valid_d = 1'b1;
          consumed_slot_d = oldest_q;
          oldest_d = wrap_inc(oldest_q, entries_q);
          outstanding_d = outstanding_q - 1'b1;
          n_cons_d = n_cons_q + 1'b1;
        end
        if (!mem_rsp_err) begin
          if (hdr == 8'h00 && outstanding_q > 1) begin
            req_valid_d = 1'b1;
            req_addr_d  = slot_addr(base_q, wrap_inc(oldest_q, entries_q));
          end else if (recl_only_q) begin
            recl_only_d = 1'b0;
            state_d = S_IDLE;
          end else begin
            req_valid_d = 1'b1;
            req_addr_d = slot_addr(base_q, next_q);
            state_d = S_SLOT;
          end
        end
      end
      S_SLOT:
      if (mem_rsp_valid) begin
        if (mem_rsp_err) begin
          mem_err_d = 1'b1;
          rsp_valid_d = 1'b1;
          rsp_status_d = ST_ERROR;
          state_d = S_IDLE;
        end else if (hdr != 8'h00) begin
          rsp_valid_d = 1'b1;
          rsp_status_d = ST_DROPPED;
          n_drop_d = n_drop_q + 1'b1;
          state_d = S_IDLE;
        end else begin
          // Body first: the header byte is the consumer's ownership flag.
          req_valid_d = 1'b1;
          req_we_d = 1'b1;
          req_addr_d = slot_addr(base_q, next_q) + AW'(8);
          req_wdata_d = elem_q[63:0];
          state_d = S_WR1;
        end
      end
      S_WR1:
      if (mem_rsp_valid) begin
        if (mem_rsp_err) begin
          mem_err_d = 1'b1;
          rsp_valid_d = 1'b1;
          rsp_status_d = ST_ERROR;
          state_d = S_IDLE;
        end else begin
          req_valid_d = 1'b1;
          req_we_d = 1'b1;
          req_addr_d = slot_addr(base_q, next_q);
          req_wdata_d = elem_q[127:64];
          state_d = S_WR0;
        end
      end
      S_WR0:
      if (mem_rsp_valid) begin
        rsp_valid_d = 1'b1;
        state_d = S_IDLE;
        if (mem_rsp_err) begin
          mem_err_d = 1'b1;
          rsp_status_d = ST_ERROR;
        end else begin
          rsp_status_d = ST_OK;
          next_d = wrap_inc(next_q, entries_q);
          outstanding_d = outstanding_q + 1'b1;
          n_enq_d = n_enq_q + 1'b1;
          irq_d = irq_en_q;  // a pulse per element while enabled (crq-vmc.md §1.3)
          // A migration event closes the queue until R_ENABLE (H_ENABLE_CRQ).
          if (elem_q[127:120] == 8'hFF && elem_q[119:112] == 8'h06) qstate_d = Q_DISABLED;
        end
      end
      default: state_d = S_IDLE;
    endcase
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      state_q <= S_IDLE;
      elem_q <= '0;
      base_q <= '0;
      entries_q <= '0;
      qstate_q <= Q_FREE;
      irq_en_q <= 1'b0;
      recl_only_q <= 1'b0;
      mem_err_q <= 1'b0;
      next_q <= '0;
      oldest_q <= '0;
      outstanding_q <= '0;
      n_enq_q <= '0;
      n_drop_q <= '0;
      n_closed_q <= '0;
      n_cons_q <= '0;
      mem_req_valid <= 1'b0;
      mem_req_we <= 1'b0;
      mem_req_addr <= '0;
      mem_req_wdata <= '0;
      rsp_valid <= 1'b0;
      rsp_status <= ST_OK;
      irq <= 1'b0;
      consumed_valid <= 1'b0;
      consumed_slot <= '0;
    end else begin
      state_q <= state_d;
      elem_q <= elem_d;
      base_q <= base_d;
      entries_q <= entries_d;
      qstate_q <= qstate_d;
      irq_en_q <= irq_en_d;
      recl_only_q <= recl_only_d;
      mem_err_q <= mem_err_d;
      next_q <= next_d;
      oldest_q <= oldest_d;
      outstanding_q <= outstanding_d;
      n_enq_q <= n_enq_d;
      n_drop_q <= n_drop_d;
      n_closed_q <= n_closed_d;
      n_cons_q <= n_cons_d;
      mem_req_valid <= req_valid_d;
      mem_req_we <= req_we_d;
      mem_req_addr <= req_addr_d;
      mem_req_wdata <= req_wdata_d;
      rsp_valid <= rsp_valid_d;
      rsp_status <= rsp_status_d;
      irq <= irq_d;
      consumed_valid <= consumed_valid_d;
      consumed_slot <= consumed_slot_d;
    end
  end

  always_comb begin
    unique case (reg_addr)
      R_BASE: reg_rdata = 64'(base_q);
      R_ENTRIES: reg_rdata = 64'(entries_q);
      R_QCTRL: reg_rdata = {63'b0, qstate_q != Q_FREE};
      R_IRQ_EN: reg_rdata = {63'b0, irq_en_q};
      R_STATUS: reg_rdata = {60'b0, mem_err_q, !idle, qstate_q};
      R_NEXT: reg_rdata = 64'(next_q);
      R_OLDEST: reg_rdata = 64'(oldest_q);
      R_OUTSTANDING: reg_rdata = 64'(outstanding_q);
      R_ENQUEUED: reg_rdata = 64'(n_enq_q);
      R_DROPPED: reg_rdata = 64'(n_drop_q);
      R_CLOSED: reg_rdata = 64'(n_closed_q);
      R_CONSUMED: reg_rdata = 64'(n_cons_q);
      default: reg_rdata = '0;
    endcase
  end
endmodule
