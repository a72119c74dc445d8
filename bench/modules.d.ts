// Just enough of the shapes of autocannon and bpmn-moddle for the benchmark (neither ships types).
declare module 'autocannon' {
  interface Histogram {
    mean: number
    p50: number
    p90: number
    p99: number
    max: number
    [key: string]: number
  }
  interface Result {
    duration: number
    errors: number
    timeouts: number
    non2xx: number
    '2xx': number
    statusCodeStats: Record<string, { count: number }>
    latency: Histogram
    requests: Histogram
  }
  function autocannon(opts: Record<string, unknown>): Promise<Result>
  export default autocannon
}

declare module 'bpmn-moddle' {
  export default class BpmnModdle {
    fromXML(xml: string): Promise<unknown>
  }
}
